/**
 * The CLI in Spanish, as a user with a Spanish locale runs it (the built bundle, a real process):
 * the language from LC_ALL, LC_MESSAGES or LANG, the help, real refusals with their Spanish
 * templates filled from their params, the check lines and progress, and --json the same bytes
 * in both languages.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../../support/service';

const SPANISH = { LANG: 'es_ES.UTF-8' };
const ENGLISH = { LANG: 'C' };

describe('CLI in Spanish', function () {
  this.timeout(60_000);
  let root: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    root = await tempDir('cli-es-');
    env = { XDG_CACHE_HOME: path.join(root, 'cache') };
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('prints its help in Spanish with LANG=es_ES.UTF-8, and in English with LANG=C', async () => {
    const es = await runCli(['--help'], { env: { ...env, ...SPANISH } });
    assert.equal(es.code, 0);
    assert.match(es.stdout, /^Configuración del agente de copia de seguridad: inspecciona las credenciales del almacén/);
    assert.match(es.stdout, /\nUso: backup-agent-setup <comando> \[opciones\]/);
    assert.match(es.stdout, /\n {2}inspect <archivo de credenciales> \[--arm-endpoint URL\]\n/);
    assert.match(es.stdout, /\n {2}register --credentials ARCHIVO \[--install-folder CARPETA\]/);
    assert.match(es.stdout, /Los secretos nunca van en los argumentos: la frase de contraseña viene de BACKUP_PASSPHRASE/);
    assert.match(es.stdout, /Códigos de salida: 0 hecho, 1 rechazado o con error/);
    assert.doesNotMatch(es.stdout, /Usage:|Secrets never|Exit codes/);

    const c = await runCli(['--help'], { env: { ...env, ...ENGLISH } });
    assert.equal(c.code, 0);
    assert.match(c.stdout, /^Backup agent setup: inspect vault credentials/);
    assert.match(c.stdout, /\n {2}register --credentials FILE \[--install-folder DIR\]/);
    assert.match(c.stdout, /Exit codes: 0 done/);
    assert.doesNotMatch(c.stdout, /Uso:|almacén/);

    const usage = await runCli(['inspect', '--help'], { env: { ...env, LANG: 'es' } });
    assert.equal(usage.stdout, 'Uso: backup-agent-setup inspect <archivo de credenciales> [--arm-endpoint URL]\n');
  });

  it('takes the first non-empty of LC_ALL, LC_MESSAGES and LANG', async () => {
    const help = async (locale: Record<string, string>) => (await runCli(['--help'], { env: { ...env, ...locale } })).stdout.split('\n')[0];
    const spanish = 'Configuración del agente de copia de seguridad: inspecciona las credenciales del almacén, comprueba un servidor y lo registra en un almacén.';
    const english = 'Backup agent setup: inspect vault credentials, check a server, register it with a vault.';
    assert.equal(await help({ LC_ALL: 'C', LANG: 'es_ES.UTF-8' }), english);
    assert.equal(await help({ LC_ALL: '', LC_MESSAGES: 'es_MX.UTF-8', LANG: 'C' }), spanish);
    assert.equal(await help({ LC_MESSAGES: 'POSIX', LANG: 'es_ES.UTF-8' }), english);
    assert.equal(await help({ LANG: 'fr_FR.UTF-8' }), english);
    assert.equal(await help({}), english);
  });

  it('prints a missing credentials file refusal in Spanish: the template, the path, the cause and the next step', async () => {
    const missing = path.join(root, 'no existe', 'lab1.VaultCredentials');
    const run = await runCli(['inspect', missing], { env: { ...env, ...SPANISH } });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      [
        'Error [34528]: No se puede leer el archivo de credenciales del almacén. Compruebe que existe y que tiene permiso para leerlo.',
        `  Ruta:  ${missing}`,
        '  Causa: no existe (ENOENT)',
        'Siguiente paso: Compruebe que el archivo existe y que su usuario puede leerlo, y vuelva a intentarlo.',
        '',
      ].join('\n'),
    );
    const english = await runCli(['inspect', missing], { env: { ...env, ...ENGLISH } });
    assert.match(english.stderr, /^Error \[34528\]: The vault credentials file .* could not be read\.\n {2}Cause: it does not exist \(ENOENT\)\nNext step: Check that the file exists/);
  });

  it("fills the Spanish template from the error's params (an install folder without a configuration)", async () => {
    const folder = path.join(root, 'nada');
    const run = await runCli(['unregister', '--install-folder', folder], { env: { ...env, ...SPANISH } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `Error [AgentNotConfigured]: No hay ninguna configuración del agente en ${folder}. Configure el agente primero.\nSiguiente paso: Configure este servidor y regístrelo primero.\n`);
  });

  it('prints usage errors in Spanish, option names unchanged, and never repeats a secret argument', async () => {
    const unknown = await runCli(['register', '--frob'], { env: { ...env, ...SPANISH } });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^Error \[CliUsage\]: Opción desconocida --frob\.\nUso: register --credentials ARCHIVO \[--install-folder CARPETA\]/);
    const secret = await runCli(['register', '--credentials', 'x.VaultCredentials', '--passphrase', 'argv-passphrase-0123456789'], { env: { ...env, ...SPANISH } });
    assert.equal(secret.code, 2);
    assert.equal(
      secret.stderr,
      'Error [SecretInArguments]: No se acepta --passphrase: otros usuarios pueden leer un secreto de la línea de comandos en la lista de procesos. Use BACKUP_PASSPHRASE o --passphrase-stdin.\n',
    );
    const command = await runCli(['frobnicate'], { env: { ...env, ...SPANISH } });
    assert.equal(command.stderr, 'Error [CliUsage]: Comando desconocido "frobnicate". Ejecute con --help para ver los comandos.\n');
  });

  it("prints a cache check's lines and its progress in Spanish", async () => {
    const data = path.join(root, 'data');
    await fs.mkdir(data);
    await fs.writeFile(path.join(data, 'file.bin'), Buffer.alloc(4000));
    const cache = path.join(root, 'cache-a');
    const run = await runCli(['check-cache', cache, '--data-size', data], { env: { ...env, ...SPANISH } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Carpeta de caché ${cache.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Correcto \\(necesita 200 bytes libres, hay \\d+ disponibles\\)\n`));
    // A passed check in Spanish words too, the column as wide as the longest word.
    assert.match(run.stdout, /\n {2}correcto absolute\n/);
    assert.match(run.stderr, /^… Comprobando la carpeta de caché \(midiendo los datos\)$/m);
    const relative = await runCli(['check-cache', 'relativa', '--data-size', '10'], { env: { ...env, ...SPANISH } });
    assert.equal(relative.code, 1);
    assert.match(relative.stdout, /^Carpeta de caché relativa: rechazada \(necesita 1 bytes libres\)\n {2}fallido {2}absolute {2}\[CacheFolderNotAbsolute\] La carpeta de caché debe ser una ruta absoluta\.\n {2}omitido {2}local\n/);
    assert.match(relative.stderr, /Siguiente paso: Elija otra carpeta de caché \(absoluta, local, con permiso de escritura y con suficiente espacio libre\) y vuelva a intentarlo\.\n$/);
  });

  it('prints the same --json in both languages: codes, params and English messages', async () => {
    const missing = path.join(root, 'missing.VaultCredentials');
    for (const args of [
      ['inspect', missing, '--json'],
      ['unregister', '--install-folder', path.join(root, 'nada'), '--json'],
      ['check-cache', 'relativa', '--data-size', '10', '--json'],
      ['frobnicate', '--json'],
      ['register', '--frob', '--json'],
      ['register', '--credentials', 'x.VaultCredentials', '--passphrase', 'argv-passphrase-0123456789', '--json'],
      ['passphrase', 'generate', '--length', '8', '--json'],
    ]) {
      const es = await runCli(args, { env: { ...env, ...SPANISH } });
      const c = await runCli(args, { env: { ...env, ...ENGLISH } });
      assert.equal(es.code, c.code, args.join(' '));
      assert.ok(es.json?.error?.code, es.stdout);
      assert.equal(es.stdout, c.stdout, args.join(' '));
      assert.doesNotMatch(es.stdout, /almacén|carpeta|Uso:|Opción|argv-passphrase/);
    }
  });
});
