/// <reference lib="dom" />
/**
 * The entry of the page served by `tg serve`: takes the token, opens the
 * stream of changes, loads the board and renders the app.
 *
 * @module
 */

import { render } from "preact";
import { html } from "htm/preact";
import { Api, takeToken } from "./api.ts";
import { App } from "./app.ts";
import { ApiContext } from "./ui.ts";

const root = document.getElementById("app")!;
const token = takeToken();
const api = new Api(token ?? "");
if (token !== null) {
  api.connect();
  api.reload().catch(() => {});
} else {
  api.state = { ...api.state, unauthorized: true };
}
render(
  html`
    <${ApiContext.Provider} value=${api}>
      <${App} />
      </${ApiContext.Provider}>
  `,
  root,
);
