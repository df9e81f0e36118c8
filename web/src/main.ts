import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { AppState } from './app/appState.svelte';
import { initialBackend } from './app/backends';
import { getLocale } from './i18n/locale.svelte';

document.documentElement.lang = getLocale();

const app = new AppState(window.location);
void app.use(initialBackend(window.location));

mount(App, { target: document.getElementById('app')!, props: { app } });
