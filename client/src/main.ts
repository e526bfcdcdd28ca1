import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n, pickLocale } from './i18n';
import { createAppRouter } from './router';
import './styles/base.css';

const locale = pickLocale(window.location.search);
document.documentElement.lang = locale;

createApp(App).use(createPinia()).use(createAppRouter()).use(createAppI18n(locale)).mount('#app');
