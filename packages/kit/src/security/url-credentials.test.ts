import { describe, expect, it } from 'vitest';
import { basicAuthorization, redactUrl, splitCredentials } from './url-credentials.ts';

describe('credentials in service URLs', () => {
  it('takes user and password out of the URL into a Basic header', () => {
    expect(splitCredentials('http://platform:s%40cret@127.0.0.1:8761/eureka/')).toEqual({
      url: 'http://127.0.0.1:8761/eureka',
      username: 'platform',
      authorization: basicAuthorization('platform', 's@cret'),
    });
    expect(basicAuthorization('platform', 's@cret')).toBe(`Basic ${btoa('platform:s@cret')}`);
    expect(splitCredentials('http://127.0.0.1:8888')).toEqual({ url: 'http://127.0.0.1:8888' });
  });

  it('redacts credentials for logs', () => {
    expect(redactUrl('http://u:p@h:1/eureka')).toBe('http://***@h:1/eureka');
    expect(redactUrl('http://h:1/eureka')).toBe('http://h:1/eureka');
    expect(redactUrl('not a url //u:p@x')).not.toContain('u:p');
  });
});
