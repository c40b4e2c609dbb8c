#!/usr/bin/env node
/**
 * Finds a Chromium for the Playwright e2e tests and prints its path.
 *   node scripts/find-chromium.mjs            print the path, or exit 1 with the command to install one
 *   node scripts/find-chromium.mjs --ensure   as above, but install it (apt-get) when root on Debian/Ubuntu
 * Dependency-free so CI can run it before `npm ci`; Playwright's own browsers are looked up only
 * when playwright-core happens to be installed.
 * Order: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, Playwright's downloaded Chromium.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function playwrightChromium() {
  try {
    const { chromium } = await import('playwright-core');
    return chromium.executablePath();
  } catch {
    return undefined; // playwright-core not installed yet, or it knows no browser for this platform
  }
}

/**
 * The first usable Chromium, or undefined.
 * @param {Record<string, string | undefined>} [env]
 * @param {{ systemPaths?: string[], playwright?: () => Promise<string | undefined> }} [where] (tests)
 * @returns {Promise<string | undefined>}
 */
export async function findChromium(env = process.env, where = {}) {
  const systemPaths = where.systemPaths ?? SYSTEM_PATHS;
  const playwright = where.playwright ?? playwrightChromium;
  if (env.CHROMIUM_PATH) {
    if (isExecutable(env.CHROMIUM_PATH)) return env.CHROMIUM_PATH;
    console.error(`find-chromium: CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file; looking elsewhere`);
  }
  for (const path of systemPaths) if (isExecutable(path)) return path;
  const bundled = await playwright();
  if (bundled && isExecutable(bundled)) return bundled;
  return undefined;
}

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
  } catch {
    return false;
  }
}

async function main() {
  const ensure = process.argv.includes('--ensure');
  let found = await findChromium();
  if (!found && ensure) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot && isDebianLike()) {
      console.error(`find-chromium: no Chromium found; running: ${INSTALL_COMMAND}`);
      execSync(INSTALL_COMMAND, {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      found = await findChromium();
    }
  }
  if (!found) {
    console.error('find-chromium: no Chromium found (or set CHROMIUM_PATH). Install one with:');
    console.error(`  sudo sh -c '${INSTALL_COMMAND}'`);
    process.exit(1);
  }
  console.log(found);
}

// Run only as a script, so playwright.config.ts can import findChromium().
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(`find-chromium: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
