import './styles.css';
import { startApp } from './app';
import { takeHanded } from './ipc';

const handed = takeHanded(window, Date.now());
// Before anything is laid out: the desktop's font by name (styles.css `--font`).
if (handed.uiFont !== null) document.documentElement.style.setProperty('--desktop-font', `"${handed.uiFont}"`);
const root = document.getElementById('app');
if (root !== null) startApp(root, { firstListing: handed.accounts });
