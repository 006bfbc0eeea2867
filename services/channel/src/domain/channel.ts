import { DomainError } from '@phzzk/kit/errors';
import { sanitizeDisplayText } from '@phzzk/kit/text';

/** A channel's own fields as the service stores them (the API shows them as the contracts' `Channel`). */
export interface ChannelProfile {
  id: string;
  ownerId: string;
  ownerNickname: string;
  title: string;
  category: string | null;
  tags: string[];
  description: string;
  followerCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What every view of a channel shows (the contract's basics): its owner, title, category and tags. */
export function channelBasics(
  c: ChannelProfile,
): Pick<ChannelProfile, 'id' | 'ownerId' | 'ownerNickname' | 'title' | 'category' | 'tags'> {
  return {
    id: c.id,
    ownerId: c.ownerId,
    ownerNickname: c.ownerNickname,
    title: c.title,
    category: c.category,
    tags: c.tags,
  };
}

export interface ChannelPatch {
  title?: string;
  category?: string | null;
  tags?: string[];
  description?: string;
}

/** A new channel's title until its owner sets one: the owner's nickname. */
export const defaultTitle = (nickname: string): string => nickname;

/**
 * Sanitizes the fields the schema already bounded (bidirectional controls and zero-width characters
 * removed, then trimmed) and refuses what is blank after that; tags are de-duplicated
 * case-insensitively (the first spelling wins) so "LoL" and "lol" are one tag.
 */
export function normalizePatch(patch: ChannelPatch): ChannelPatch {
  const out: ChannelPatch = {};
  if (patch.title !== undefined) out.title = required('title', patch.title);
  if (patch.category !== undefined)
    out.category = patch.category === null ? null : required('category', patch.category);
  if (patch.description !== undefined) out.description = sanitizeDisplayText(patch.description);
  if (patch.tags !== undefined) {
    const seen = new Set<string>();
    out.tags = [];
    for (const raw of patch.tags) {
      const tag = required('tags', raw);
      const folded = tag.toLowerCase();
      if (seen.has(folded)) continue;
      seen.add(folded);
      out.tags.push(tag);
    }
  }
  return out;
}

function required(field: string, value: string): string {
  const trimmed = sanitizeDisplayText(value);
  if (trimmed.length === 0) throw new DomainError('invalid', 'INVALID_CHANNEL_FIELD', `${field} must not be blank.`);
  return trimmed;
}

/** The `channel.updated` payload for a channel. */
export const channelUpdatedData = (c: ChannelProfile) => ({
  channelId: c.id,
  title: c.title,
  category: c.category,
  tags: c.tags,
});
