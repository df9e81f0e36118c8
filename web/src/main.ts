import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { AppState } from './app/appState.svelte';
import { initialBackend, takeAgentToken } from './app/backends';
import { getLocale } from './i18n/locale.svelte';

document.documentElement.lang = getLocale();

const page = takeAgentToken(window.location, window.history, window.sessionStorage);
const app = new AppState(page);
void app.use(initialBackend(page));

mount(App, { target: document.getElementById('app')!, props: { app } });
