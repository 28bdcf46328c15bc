import './zodJitless';
import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';
import { createClient } from './lib/client';

const target = document.getElementById('app')!;
try {
  const client = createClient();
  mount(App, { target, props: { client } });
} catch (err) {
  target.textContent = err instanceof Error ? err.message : String(err);
  target.setAttribute('role', 'alert');
}
