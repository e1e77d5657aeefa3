/** ForgeLab's icons. */
import { LabIcon } from '@jupyterlab/ui-components';

const anvil = (fill: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path class="jp-icon3" fill="${fill}" d="M3 6h13c0 2.2 1.8 4 4 4h1v2h-4c-1.1 0-2 .9-2 2v1l2 3H7l2-3v-1c0-2.2-1.8-4-4-4H3z"/></svg>`;

/** The ForgeLab logo (an anvil). */
export const forgelabIcon = new LabIcon({
  name: 'forgelab:logo',
  svgstr: anvil('#616161')
});

/** The icon of `*.pipeline.json` files. */
export const pipelineIcon = new LabIcon({
  name: 'forgelab:pipeline',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><rect x="2" y="4" width="7" height="5" rx="1"/><rect x="15" y="4" width="7" height="5" rx="1"/><rect x="8.5" y="15" width="7" height="5" rx="1"/><path d="M5.5 9v3h13V9h-1v2h-11V9zM11.5 12h1v3h-1z"/></g></svg>'
});

/** The icon of `*.arch.json` files. */
export const architectureIcon = new LabIcon({
  name: 'forgelab:architecture',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><circle cx="5" cy="6" r="2"/><circle cx="5" cy="12" r="2"/><circle cx="5" cy="18" r="2"/><circle cx="12" cy="9" r="2"/><circle cx="12" cy="15" r="2"/><circle cx="19" cy="12" r="2"/><path d="M6.7 6.5l3.6 2-.5.9-3.6-2zM6.7 11.5l3.6-2 .5.9-3.6 2zM6.7 12.5l3.6 2-.5.9-3.6-2zM6.7 17.5l3.6-2 .5.9-3.6 2zM13.8 9.5l3.6 2-.5.9-3.6-2zM13.8 14.5l3.6-2 .5.9-3.6 2z"/></g></svg>'
});

/** The icon of executions (a play triangle over a list). */
export const executionsIcon = new LabIcon({
  name: 'forgelab:executions',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><path d="M3 4l7 4.5L3 13z"/><rect x="12" y="5" width="9" height="2" rx="1"/><rect x="12" y="10" width="9" height="2" rx="1"/><rect x="3" y="16" width="18" height="2" rx="1"/></g></svg>'
});

/** The icon of provenance (a value and the operations it came from). */
export const provenanceIcon = new LabIcon({
  name: 'forgelab:provenance',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g class="jp-icon3" fill="#616161"><circle cx="5" cy="5" r="2.5"/><circle cx="5" cy="19" r="2.5"/><circle cx="19" cy="12" r="3"/><path d="M6.5 6.3l9.8 4.6-.5 1-9.8-4.6zM6 17.7l9.8-4.6.5 1-9.8 4.6z"/></g></svg>'
});
