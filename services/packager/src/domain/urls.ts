// The public paths of a VOD's and a clip's media (below the gateway).

export const vodUrls = {
  playlist: (id: string) => `/vod/${id}/master.m3u8`,
  thumbnail: (id: string) => `/vod/${id}/thumbnail.jpg`,
  storyboard: (id: string) => `/vod/${id}/storyboard.vtt`,
  sheet: (id: string, file: string) => `/vod/${id}/storyboard/${file}`,
};

export const clipUrls = {
  playlist: (id: string) => `/vod/clips/${id}/master.m3u8`,
  mp4: (id: string) => `/vod/clips/${id}/clip.mp4`,
  thumbnail: (id: string) => `/vod/clips/${id}/thumbnail.jpg`,
};

/** Where the packager keeps what it derives (storage keys). */
export const packagerPaths = {
  vod: (vodId: string) => `vods/${vodId}`,
  storyboard: (vodId: string) => `vods/${vodId}/storyboard`,
  clip: (clipId: string) => `clips/${clipId}`,
  clipMp4: (clipId: string) => `clips/${clipId}/clip.mp4`,
};
