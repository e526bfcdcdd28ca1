import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import HomeView from './views/HomeView.vue';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView },
  { path: '/wall', name: 'wall', component: () => import('./views/WallView.vue') },
  { path: '/tablet', name: 'tablet', component: () => import('./views/TabletView.vue') },
  { path: '/duty', name: 'duty', component: () => import('./views/DutyView.vue') },
  { path: '/demo', name: 'demo', component: () => import('./views/DemoView.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(), routes });
}
