/**
 * `npm run demo`: Agent Lane supervising a real Claude Code session in a real VS Code, in one
 * command. A fresh sample repository (fake secret, CI workflow, policy, mission), a scripted
 * model (or the real API when ANTHROPIC_API_KEY is set), code-server with the built extension,
 * a session that starts as soon as the page opens. Runs until Ctrl-C.
 *
 *   npx tsx scripts/demo.ts            open the printed URL in a browser and supervise
 *   npx tsx scripts/demo.ts --check    the same, driven by headless chromium; exit 0 when the story played out
 *   --keep                             keep the temp dirs (workspace, profile, traces) afterwards
 *   --ledger DIR|URL                   agentLane.ledger.url (default: a directory in the temp dir)
 */
import * as path from 'node:path';
import { Cleanup } from './demo/cleanup';
import { runCheck } from './demo/check';
import { DEMO_COMMIT_SUBJECT, DEMO_MODEL, demoScript, scriptCostUsd } from './demo/model';
import { startDemoStack } from './demo/stack';
import { DEMO_BUDGET_USD, DEMO_PEOPLE, gitLog } from './demo/workspace';

interface Args {
  readonly check: boolean;
  readonly keep: boolean;
  readonly ledger?: string;
}

const USAGE = 'usage: tsx scripts/demo.ts [--check] [--keep] [--ledger DIR|postgres://…|http(s)://…/v1/logs]\n';

function parseArgs(argv: readonly string[]): Args {
  let check = false;
  let keep = false;
  let ledger: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') check = true;
    else if (a === '--keep') keep = true;
    else if (a === '--ledger' && argv[i + 1]) ledger = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else {
      process.stderr.write(`demo: unknown argument ${a}\n${USAGE}`);
      process.exit(2);
    }
  }
  return { check, keep, ledger: ledger && !/^[a-z][a-z0-9+.-]*:\/\//i.test(ledger) ? path.resolve(ledger) : ledger };
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const cleanup = new Cleanup();
  cleanup.onSignals(() => log('\ndemo: stopping (code-server, fake API, temp dirs)…'));
  const realKey = args.check ? undefined : process.env.ANTHROPIC_API_KEY?.trim() || undefined;
  try {
    log('Agent Lane demo');
    const stack = await startDemoStack({ label: args.check ? 'demo-check' : 'demo', keep: args.keep, realApiKey: realKey, ledger: args.ledger, log }, cleanup);
    const cost = stack.fake ? ` (the script spends about $${scriptCostUsd(demoScript(stack.workspace.dir)).toFixed(2)} of the $${DEMO_BUDGET_USD.toFixed(2)} budget)` : '';
    log(`vscode     code-server ${stack.server.baseUrl} (127.0.0.1 only), profile ${stack.profile.root}`);
    log(`traces     ${stack.traceDir}${cost}`);
    log(`ledger     ${stack.ledger} (agentLane.ledger.url: traces sync there; --ledger to change)`);
    log(`supervisor ${DEMO_PEOPLE.supervisor.name} <${DEMO_PEOPLE.supervisor.email}>`);
    log('');
    if (args.check) {
      const ok = await runCheck(stack, cleanup, log);
      log('');
      log(gitLog(stack.workspace.dir).trimEnd());
      return ok ? 0 : 1;
    }
    log(`Open ${stack.url}`);
    log('');
    log('The supervised session starts when the page loads (terminal "Agent Lane · …"), and the agent:');
    log('  1. tries to read .env                       → denied by the policy (sidebar, trace)');
    log('  2. reads and edits src/app.ts               → allowed');
    log('  3. edits .github/workflows/ci.yml           → protected: answer the approval card in the Agent Lane sidebar');
    log(`  4. runs git commit -m "${DEMO_COMMIT_SUBJECT}"         → waits: acknowledge it in the review panel`);
    log(`  budget: every turn costs cents at ${DEMO_MODEL} prices; watch the gauge in the sidebar and status bar`);
    log('');
    log(`Afterwards: git -C ${stack.workspace.dir} log -1   (Agent-Lane-* trailers)`);
    log('Ctrl-C stops everything' + (args.keep ? ' and keeps the temp dirs.' : ' and removes the temp dirs (--keep keeps them).'));
    await new Promise<never>(() => undefined); // until a signal; the handler cleans up and exits
    return 0;
  } catch (err) {
    log(`demo: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await cleanup.run();
  }
}

void main().then((code) => process.exit(code));
