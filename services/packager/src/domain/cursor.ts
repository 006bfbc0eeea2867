// Opaque page cursors: the (time, id) of the last item of a page, base64url.

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.getTime()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{1,15})\|([0-9a-f-]{36})$/.exec(text);
  return m ? { at: new Date(Number(m[1])), id: m[2]! } : undefined;
}
