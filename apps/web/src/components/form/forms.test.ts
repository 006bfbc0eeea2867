// Server-rendered markup of the forms built from Field and FormFooter: the labels, the notes tied
// to their inputs, and the outcome line the browser tests and screen readers read.
import type { Channel } from '@phzzk/contracts';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../../i18n/client.tsx';
import en from '../../i18n/messages/en.json' with { type: 'json' };
import { LoginForm } from '../auth/login-form.tsx';
import { SignupForm } from '../auth/signup-form.tsx';
import { SettingsForm } from '../settings-form.tsx';
import { ChannelForm } from '../studio/channel-form.tsx';
import { Field } from './field.tsx';
import { FormFooter } from './form-footer.tsx';

const render = (element: ReactElement) =>
  renderToStaticMarkup(createElement(I18nProvider, { locale: 'en', catalog: JSON.stringify(en) }, element));

/** The attributes of the input named `name` in `html` (their order in the markup does not matter). */
function input(html: string, name: string): Record<string, string> {
  const tag = [...html.matchAll(/<input ([^>]*)\/>/g)].find((m) => m[1]!.includes(`name="${name}"`));
  if (!tag) throw new Error(`no input ${name} in ${html}`);
  return Object.fromEntries([...tag[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

describe('Field', () => {
  it('labels its input and ties a note to it by id', () => {
    const html = renderToStaticMarkup(createElement(Field, { label: 'Tags', name: 'tags', hint: 'Comma-separated' }));
    expect(input(html, 'tags')).toEqual({ name: 'tags', 'aria-describedby': 'tags-hint' });
    expect(html).toMatch(/^<label>Tags<input [^>]*\/><\/label>/);
    expect(html).toContain(
      '<p id="tags-hint" class="muted" style="margin:0;font-size:13px" data-testid="tags-hint">Comma-separated</p>',
    );
  });

  it('has no note and no aria-describedby without a hint', () => {
    const html = renderToStaticMarkup(createElement(Field, { label: 'Title', name: 'title', required: true }));
    expect(html).toMatch(/^<label>Title<input [^>]*\/><\/label>$/);
    expect(input(html, 'title')).toEqual({ name: 'title', required: '' });
  });
});

describe('FormFooter', () => {
  it('announces an error as an alert the tests find as form-error, and disables the button while busy', () => {
    const html = renderToStaticMarkup(
      createElement(FormFooter, {
        outcome: { ok: false, text: 'No' },
        submitLabel: 'Go',
        busy: true,
        announce: 'alert',
      }),
    );
    expect(html).toBe(
      '<p class="form-error" role="alert" data-testid="form-error">No</p>' +
        '<button type="submit" class="btn btn-primary" disabled="">Go</button>',
    );
  });

  it('shows a confirmation as a status', () => {
    const html = renderToStaticMarkup(
      createElement(FormFooter, { outcome: { ok: true, text: 'Saved.' }, submitLabel: 'Save' }),
    );
    expect(html).toContain('<p class="form-ok" role="status">Saved.</p>');
  });
});

describe('the forms', () => {
  it('login: email and password fields, the initial problem shown as an alert', () => {
    const html = render(createElement(LoginForm, { returnTo: '/', initialError: 'INVALID_CREDENTIALS' }));
    expect(input(html, 'email')).toEqual({ name: 'email', type: 'email', autoComplete: 'email', required: '' });
    expect(input(html, 'password')).toEqual({
      name: 'password',
      type: 'password',
      autoComplete: 'current-password',
      required: '',
    });
    expect(html).toMatch(/<p class="form-error" role="alert" data-testid="form-error">[^<]+<\/p>/);
  });

  it('signup: the password hint is tied to the password field', () => {
    const html = render(createElement(SignupForm));
    expect(input(html, 'password')).toMatchObject({ minLength: '10', 'aria-describedby': 'password-hint' });
    expect(html).toContain(`<p id="password-hint" class="muted"`);
    expect(html).toContain(en['form.passwordHint']);
  });

  it('settings: a social account sees why its email is fixed; an email account sees no reason', () => {
    const social = render(
      createElement(SettingsForm, {
        user: { nickname: 'n', email: 'a@example.com', emailChangeable: false, providers: ['google'] },
      }),
    );
    expect(input(social, 'email')).toMatchObject({ readOnly: '', 'aria-describedby': 'email-reason' });
    expect(social).toMatch(/data-testid="email-reason">[^<]*google/);
    const plain = render(
      createElement(SettingsForm, {
        user: { nickname: 'n', email: 'a@example.com', emailChangeable: true, providers: [] },
      }),
    );
    expect(plain).not.toContain('email-reason');
    expect(input(plain, 'email')).not.toHaveProperty('readOnly');
    expect(plain).toContain('<p class="form-error" role="status"></p>');
  });

  it('channel: the current title, category and tags filled in', () => {
    const channel = { title: 'Hello', category: null, tags: ['a', 'b'] } as unknown as Channel;
    const html = render(createElement(ChannelForm, { channel }));
    expect(input(html, 'title')).toEqual({ name: 'title', value: 'Hello', maxLength: '140', required: '' });
    expect(input(html, 'category')).toEqual({ name: 'category', value: '', maxLength: '64' });
    expect(input(html, 'tags')).toEqual({ name: 'tags', value: 'a, b', 'aria-describedby': 'tags-hint' });
  });
});
