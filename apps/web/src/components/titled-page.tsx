import type { Metadata } from 'next';
import type { ComponentType, ReactNode } from 'react';
import { getI18n } from '../i18n/server.ts';
import type { MessageKey } from '../i18n/translate.ts';

/** `generateMetadata` of a page whose title is the catalog's `key` in the reader's language. */
export function titleMetadata(key: MessageKey): () => Promise<Metadata> {
  return async () => ({ title: (await getI18n()).t(key) });
}

/** A server page headed by the catalog's `titleKey` (its `<h1>`, as in its title), then `children`. */
export async function TitledPage({ titleKey, children }: { titleKey: MessageKey; children: ReactNode }) {
  const { t } = await getI18n();
  return (
    <>
      <h1>{t(titleKey)}</h1>
      {children}
    </>
  );
}

/** A whole page of `titleKey` and one component under it (the steps of a social login). */
export function titledPage(titleKey: MessageKey, Body: ComponentType) {
  return function Page() {
    return (
      <TitledPage titleKey={titleKey}>
        <Body />
      </TitledPage>
    );
  };
}
