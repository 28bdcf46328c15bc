import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { DesktopMessages } from '../shared/desktopMessages';

/** The application menu; Electron words its role menus (File, Edit, Window) in the system's language, ours come from `words`. */
export function buildMenu(words: DesktopMessages): Menu {
  const template: MenuItemConstructorOptions[] = [
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: words.menu.view,
      submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
