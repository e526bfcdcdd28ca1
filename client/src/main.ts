import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n, pickLocale } from './i18n';
import { messageKeys, warmMessages } from './i18n/warm-messages';
import { createAppRouter } from './router';
import './styles/base.css';

const locale = pickLocale(window.location.search);
document.documentElement.lang = locale;

const i18n = createAppI18n(locale);
createApp(App).use(createPinia()).use(createAppRouter()).use(i18n).mount('#app');
// Messages compiled while the page is idle, not on their first use (a takeover's words: warm-messages.ts).
void warmMessages(messageKeys(i18n.global.getLocaleMessage(locale)), (key) => i18n.global.t(key, {}));
