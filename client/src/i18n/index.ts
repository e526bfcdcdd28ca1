import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN, { type MessageSchema } from './zh-CN';

export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** `?lang=en` wins, then zh-CN (the product's default, whatever the browser says). */
export function pickLocale(search: string): Locale {
  const lang = new URLSearchParams(search).get('lang');
  return lang && lang.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
}

export function createAppI18n(locale: Locale) {
  return createI18n<[MessageSchema], Locale>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': zhCN, en },
  });
}
