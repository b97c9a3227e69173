// Helpers the host tests share: the repository's loopback file server (scripts/serve.mjs), and
// Debian's Chromium launched headless by playwright-core.
export { repo, serveRepo } from "../../scripts/serve.mjs";

/** Debian's /usr/bin/chromium, headless, with no network of its own. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
