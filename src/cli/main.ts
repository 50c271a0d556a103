/**
 * `agentlane` — the CLI on the same core as the extension.
 * Exit codes: 0 ok, 1 a check failed (tests, verify, gates), 2 usage or policy errors.
 */
import { UsageError, type Io } from './args';
import { PolicyError } from './policyContext';
import { policyCheck } from './policyCheck';
import { policyTest } from './policyTest';
import { policyExplain } from './policyExplain';
import { runCommand } from './run';
import { statuslineCommand } from './statusline';
import { verifyCommand, VERIFY_USAGE } from './verify';
import { exportCommand, traceQueryCommand, EXPORT_USAGE, TRACE_QUERY_USAGE } from './export';
import { reportCommand, REPORT_USAGE } from './report';
import { gitHookCommand } from './gitHook';
import { checkCommitsCommand } from './checkCommits';
import { budgetCommand, BUDGET_USAGE } from './budget';
import { ledgerCommand } from './ledgerCommands';
import { sandboxExplainCommand, SANDBOX_USAGE } from './sandboxExplain';
import { usageCommand, USAGE_USAGE } from './usage';
import { VERSION } from './version';

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Partial<Record<string, Command>> = {
  'policy check': policyCheck,
  'policy test': policyTest,
  'policy explain': policyExplain,
  run: runCommand,
  statusline: (args, io) => statuslineCommand(args, io),
  verify: verifyCommand,
  export: exportCommand,
  'trace query': traceQueryCommand,
  report: reportCommand,
  'git-hook': (args, io) => gitHookCommand(args, io),
  'check-commits': checkCommitsCommand,
  budget: budgetCommand,
  ledger: ledgerCommand,
  'sandbox explain': sandboxExplainCommand,
  usage: usageCommand,
};

const USAGE = `usage: agentlane <command>

  --version                     print the version of this build

  policy check --cwd DIR [--policy FILE] [--managed FILE|none] [--json]
               (--command STRING | --tool NAME --input JSON | --batch FILE.jsonl)
  policy test [FILE] [--cwd DIR] [--policy FILE] [--managed FILE|none]
  policy explain PATH [--cwd DIR] [--policy FILE] [--managed FILE|none] [--json]
  run [--cwd DIR] [--policy FILE] [--managed FILE|none] [--mission FILE] [--trace-dir DIR]
      [--approver CMD | --approve-none] [--approval-timeout SEC] [--supervisor "Name <email>"]
      [--ledger DIR|postgres://…|http(s)://…/v1/logs | --ledger-file FILE] -- <agent command and args>
      (or AGENTLANE_LEDGER=URL; a password never goes in --ledger)
  ${VERIFY_USAGE}
  ${EXPORT_USAGE}
  ${TRACE_QUERY_USAGE}
  ${REPORT_USAGE}
  ${BUDGET_USAGE}
  ${USAGE_USAGE}
  ledger init|sync|status (--ledger URL | --ledger-file FILE) [--trace-dir DIR] [--once]
  ${SANDBOX_USAGE}
  check-commits <rev-range> --ledger DIR [--repo DIR] [--policy FILE] [--json]
  git-hook <name> [args]        (internal: run by the lane's git hooks)`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [a, b, ...rest] = argv;
  if (a === '--version' || a === '-v') {
    io.out(VERSION);
    return 0;
  }
  if (!a || a === '--help' || a === '-h' || a === 'help') {
    io.out(USAGE);
    return a ? 0 : 2;
  }
  const two = COMMANDS[`${a} ${b ?? ''}`];
  const cmd = two ?? COMMANDS[a];
  const args = two ? rest : [b, ...rest].filter((x): x is string => x !== undefined);
  if (!cmd) {
    io.err(`agentlane: unknown command \`${[a, b].filter(Boolean).join(' ')}\`\n${USAGE}`);
    return 2;
  }
  try {
    return await cmd(args, io);
  } catch (err) {
    if (UsageError.is(err)) {
      io.err(`agentlane: ${err.message}`);
      return 2;
    }
    if (PolicyError.is(err)) {
      io.err(`agentlane: policy error\n${err.message}`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  const io: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), cwd: process.cwd() };
  main(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`agentlane: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
