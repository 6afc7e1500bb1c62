import './styles.css';
import { startApp } from './app';
import { takeHanded } from './ipc';

// Before anything is laid out: the desktop's font by name (styles.css `--font`).
const { uiFont } = takeHanded(window);
if (uiFont !== null) document.documentElement.style.setProperty('--desktop-font', `"${uiFont}"`);
const root = document.getElementById('app');
if (root !== null) startApp(root);
