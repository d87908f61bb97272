import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

performance.mark("frontdesk:script");
export default mount(App, { target: document.getElementById("app")! });
performance.mark("frontdesk:mounted");
