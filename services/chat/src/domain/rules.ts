import { type ChatSettingsValue, DEFAULT_CHAT_SETTINGS } from '@phzzk/contracts';
import type { BanState, ChannelRules } from './moderation.ts';
import type { StoredRules } from './ports.ts';
import type { ChannelEventKind } from './sequencing.ts';

/** A channel's rules from what is stored and who owns it. */
export function buildRules(ownerId: string, stored: StoredRules): ChannelRules {
  const bans = new Map<string, BanState>();
  for (const ban of stored.bans) bans.set(ban.userId, { until: ban.until ? ban.until.getTime() : null });
  return {
    ownerId,
    moderators: new Set(stored.moderators),
    bans,
    settings: stored.settings ?? DEFAULT_CHAT_SETTINGS,
    terms: stored.terms,
  };
}

/**
 * The rules after a channel event: settings and ban/timeout/unban events carry what changed, so
 * every node applies them the moment they arrive, in the same order as every other node.
 */
export function applyEvent(rules: ChannelRules, kind: ChannelEventKind, frame: string): ChannelRules {
  if (kind === 'settings') {
    const { settings } = JSON.parse(frame) as { settings: ChatSettingsValue };
    return { ...rules, settings };
  }
  if (kind === 'moderation') {
    const { action, userId, until } = JSON.parse(frame) as { action: string; userId: string; until?: string };
    const bans = new Map(rules.bans);
    if (action === 'unban') bans.delete(userId);
    else bans.set(userId, { until: action === 'timeout' && until ? Date.parse(until) : null });
    return { ...rules, bans };
  }
  return rules;
}
