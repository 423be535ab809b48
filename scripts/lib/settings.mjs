// Settings written into a code-server profile the way VS Code reads them. In a remote window
// (code-server is one) VS Code ignores machine-scoped values found in User settings: they belong
// in the remote's Machine settings. So each value goes to the file its declared scope reads.
import fs from 'node:fs';
import path from 'node:path';

const MACHINE_SCOPES = new Set(['machine', 'machine-overridable']);

/** The settings file for `key`: Machine for the manifest's machine-scoped keys, else User. */
export function settingsFileFor(userDataDir, key, manifest) {
  const scope = manifest.contributes?.configuration?.properties?.[key]?.scope;
  return path.join(userDataDir, MACHINE_SCOPES.has(scope) ? 'Machine' : 'User', 'settings.json');
}

/** The value of `key` in the file its scope is read from, or undefined (absent or unreadable). */
export function readSetting(userDataDir, key, manifest) {
  try {
    return JSON.parse(fs.readFileSync(settingsFileFor(userDataDir, key, manifest), 'utf8'))[key];
  } catch {
    return undefined;
  }
}

/**
 * Merges `values` into the profile's settings files, each key where its scope is read. Returns the
 * files it could not read as JSON (left alone), so the caller can say what to add by hand.
 */
export function writeSettings(userDataDir, values, manifest) {
  const byFile = new Map();
  for (const [key, value] of Object.entries(values)) {
    const file = settingsFileFor(userDataDir, key, manifest);
    byFile.set(file, { ...byFile.get(file), [key]: value });
  }
  const unreadable = [];
  for (const [file, wanted] of byFile) {
    let current = {};
    if (fs.existsSync(file)) {
      try {
        current = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        unreadable.push({ file, values: wanted });
        continue;
      }
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ ...current, ...wanted }, null, 2)}\n`);
  }
  return unreadable;
}
