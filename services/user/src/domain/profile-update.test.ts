import { describe, expect, it } from 'vitest';
import type { DomainError } from '@phzzk/kit/errors';
import { planProfileUpdate } from './profile-update.ts';
import type { User } from './user.ts';

const user = (signupMethod = 'password'): User => ({
  id: '0190a6b0-0000-7000-8000-000000000001',
  email: 'viewer@example.com',
  nickname: 'viewer',
  signupMethod,
  roles: ['user'],
  emailVerified: false,
  createdAt: new Date(),
  updatedAt: new Date(),
});

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe('profile update planning', () => {
  it('changes the nickname without re-authentication', () => {
    expect(planProfileUpdate(user(), { nickname: '새닉네임' })).toEqual({
      nickname: '새닉네임',
      needsCurrentPassword: false,
    });
    expect(planProfileUpdate(user(), { nickname: 'viewer' })).toEqual({ needsCurrentPassword: false });
  });

  it('needs the current password for email and password changes', () => {
    expect(code(() => planProfileUpdate(user(), { email: 'new@example.com' }))).toBe('CURRENT_PASSWORD_REQUIRED');
    expect(code(() => planProfileUpdate(user(), { newPassword: 'a brand new secret' }))).toBe(
      'CURRENT_PASSWORD_REQUIRED',
    );
    expect(planProfileUpdate(user(), { email: 'new@example.com', currentPassword: 'x' })).toMatchObject({
      email: 'new@example.com',
      needsCurrentPassword: true,
    });
  });

  it('never lets a social sign-up change its email, but a no-op email is fine', () => {
    expect(code(() => planProfileUpdate(user('google'), { email: 'other@example.com', currentPassword: 'x' }))).toBe(
      'EMAIL_CHANGE_FORBIDDEN',
    );
    expect(planProfileUpdate(user('kakao'), { email: 'viewer@example.com' })).toEqual({ needsCurrentPassword: false });
  });

  it('applies the password policy with the new email and nickname as context', () => {
    expect(code(() => planProfileUpdate(user(), { newPassword: 'password123', currentPassword: 'x' }))).toBe(
      'WEAK_PASSWORD',
    );
    expect(
      code(() =>
        planProfileUpdate(user(), { nickname: 'moonlight', newPassword: 'moonlight-forever', currentPassword: 'x' }),
      ),
    ).toBe('WEAK_PASSWORD');
    expect(
      code(() => planProfileUpdate(user(), { newPassword: 'same old secret', currentPassword: 'same old secret' })),
    ).toBe('WEAK_PASSWORD');
  });
});
