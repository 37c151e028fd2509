/**
 * Child processes of the Django-vs-Nest bench: every one is started in its own process group and
 * registered, so that a normal end, a failure, a timeout or Ctrl-C kills all of them (servers,
 * gunicorn workers, wrk) and nothing outlives the bench.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const children = new Set();

/** Starts a command in its own group; its output is kept (bounded) for error messages. */
export function startProcess(name, command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  let kept = 0;
  const keep = (chunk) => {
    // Only the last ~64 kB: a chatty server must not grow the bench's memory.
    output.push(String(chunk));
    kept += chunk.length;
    while (kept > 65_536 && output.length > 1) kept -= output.shift().length;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('error', (err) => keep(`${name}: ${err.message}\n`));
  const entry = { name, child, exited, output: () => output.join('') };
  children.add(entry);
  exited.then(() => children.delete(entry));
  return entry;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to the group, SIGKILL after graceMs if it is still there. */
export async function stopProcess(entry, graceMs = 5000) {
  if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
  signalGroup(entry.child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(entry.child, 'SIGKILL'), graceMs);
  await entry.exited;
  clearTimeout(timer);
  // Workers of a master that died first are still in the group.
  signalGroup(entry.child, 'SIGKILL');
}

export async function stopAll() {
  await Promise.all([...children].map((entry) => stopProcess(entry)));
}

/** Last resort on a synchronous exit: no time to wait, kill every group outright. */
export function killAllNow() {
  for (const entry of children) signalGroup(entry.child, 'SIGKILL');
}

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every architecture Node runs on.
const TICKS_PER_SECOND = 100;

/** Every process under /proc: parent, RSS in bytes, and user + system CPU in ms. */
function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      // The fields after the command name, which may hold spaces and parentheses: split after the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), {
        ppid: Number(fields[1]),
        rss: Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024,
        cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
      });
    } catch {
      // Exited while we looked.
    }
  }
  return table;
}

function tree(pid) {
  const table = processTable();
  const members = [];
  const walk = (p) => {
    const me = table.get(p);
    if (!me) return;
    members.push(me);
    for (const [child, info] of table) if (info.ppid === p) walk(child);
  };
  walk(pid);
  return members;
}

/** Resident set size of a process and all its descendants (gunicorn's master and workers), in bytes. */
export function treeRss(pid) {
  const members = tree(pid);
  return { bytes: members.reduce((n, m) => n + m.rss, 0), processes: members.length };
}

/** CPU time (user + system, ms) used so far by a process and its live descendants. */
export function treeCpuMs(pid) {
  return tree(pid).reduce((n, m) => n + m.cpuMs, 0);
}

/** CPU time (ms) used so far by every process of that command name (the database server: mariadbd). */
export function commandCpuMs(command) {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    } catch {
      // Exited while we looked.
    }
  }
  return total;
}
