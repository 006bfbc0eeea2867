import { DomainError } from '@phzzk/kit/errors';
import { checkNickname } from './nickname.ts';
import { checkPassword } from './password-policy.ts';
import { canChangeEmail, displayEmail, type User } from './user.ts';

export interface ProfileUpdateRequest {
  nickname?: string;
  email?: string;
  newPassword?: string;
  currentPassword?: string;
}

export interface ProfileUpdatePlan {
  nickname?: string;
  email?: string;
  newPassword?: string;
  /** Email and password changes re-authenticate with the current password (ASVS V2.1.5 / V3.7.1). */
  needsCurrentPassword: boolean;
}

/** Decides what a PATCH /api/users/me changes, or why it cannot; no I/O. */
export function planProfileUpdate(user: User, request: ProfileUpdateRequest): ProfileUpdatePlan {
  const plan: ProfileUpdatePlan = { needsCurrentPassword: false };
  if (request.nickname !== undefined) {
    const verdict = checkNickname(request.nickname);
    if (!verdict.ok) throw new DomainError('invalid', 'INVALID_NICKNAME', verdict.message, { reason: verdict.reason });
    if (verdict.nickname !== user.nickname) plan.nickname = verdict.nickname;
  }
  if (request.email !== undefined) {
    const email = displayEmail(request.email);
    if (email !== user.email) {
      if (!canChangeEmail(user)) {
        throw new DomainError(
          'forbidden',
          'EMAIL_CHANGE_FORBIDDEN',
          `This account was created with ${user.signupMethod} sign-in; its email cannot be changed.`,
        );
      }
      plan.email = email;
      plan.needsCurrentPassword = true;
    }
  }
  if (request.newPassword !== undefined) {
    if (
      request.currentPassword !== undefined &&
      request.newPassword.normalize('NFKC') === request.currentPassword.normalize('NFKC')
    ) {
      throw new DomainError('invalid', 'WEAK_PASSWORD', 'The new password must differ from the current one.', {
        reason: 'SAME_AS_CURRENT',
      });
    }
    const verdict = checkPassword(request.newPassword, {
      email: plan.email ?? user.email,
      nickname: plan.nickname ?? user.nickname,
    });
    if (!verdict.ok) throw new DomainError('invalid', 'WEAK_PASSWORD', verdict.message, { reason: verdict.reason });
    plan.newPassword = request.newPassword;
    plan.needsCurrentPassword = true;
  }
  if (plan.needsCurrentPassword && request.currentPassword === undefined) {
    throw new DomainError(
      'invalid',
      'CURRENT_PASSWORD_REQUIRED',
      'Changing the email or the password needs currentPassword.',
    );
  }
  return plan;
}
