import { strict as assert } from 'node:assert';
import { commandHash, findSecrets, promptHash, redactCommand, redactText } from '../../../src/core/trace/redact';
import { SECRET_RULES, shannonEntropy } from '../../../src/core/trace/redactRules';

// Fake credentials, assembled so the file itself holds no literal token.
const rep = (s: string, n: number): string => s.repeat(n).slice(0, n);
const GHP = `ghp_${rep('R8kq2ZbX0pW7nLm4', 36)}`;
const FINE = `github_pat_${rep('11ABCDEFG0abcdef', 22)}_${rep('Zx9Yw8Vu7Ts6', 59)}`;
const ANT = `sk-ant-api03-${rep('Ab3_Cd4-Ef5Gh6', 93)}AA`;
const OPENAI = `sk-proj-${rep('Qw3Er4Ty5Ui6Op7', 48)}`;
const AWS = `AKIA${'Q2WE3RT4YU5IO6PA'}`;
const SLACK = `xoxb-${'1234567890123'}-${'1234567890123'}-${rep('AbCdEf012345', 24)}`;
const STRIPE = `sk_live_${rep('4eC39HqLyjWDarjtT1zdp7dc', 24)}`;
const GOOGLE = `AIza${rep('SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 35)}`;
const JWT = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.${rep('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', 43)}`;
const PEM = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----`;

/** rule id → [texts it must redact (secret part), texts it must leave alone]. */
const CASES: Record<string, { positive: Array<[string, string]>; negative: string[] }> = {
  'private-key': {
    positive: [[`echo "${PEM}" > k`, PEM], ['cat <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA']],
    negative: ['-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----', 'ssh-keygen -t ed25519 -f ~/.ssh/id'],
  },
  'aws-access-token': {
    positive: [[`aws configure set aws_access_key_id ${AWS}`, AWS]],
    negative: ['echo AKIAlowercase0000000', 'AKIA1234'],
  },
  'github-token': {
    positive: [[`git push https://x-access-token:${GHP}@github.com/o/r`, GHP], [`gh auth login --with-token <<< ${FINE}`, FINE]],
    negative: ['ghp_short', 'cat github_pat_notes.md'],
  },
  'gitlab-token': {
    positive: [['curl -H "PRIVATE-TOKEN: glpat-Ab12Cd34Ef56Gh78Ij90"', 'glpat-Ab12Cd34Ef56Gh78Ij90']],
    negative: ['glpat-short'],
  },
  'slack-token': {
    positive: [[`curl -d token=${SLACK} https://slack.com/api/chat.postMessage`, SLACK]],
    negative: ['xoxb-', 'echo xoxo-hugs'],
  },
  'slack-webhook-url': {
    positive: [['curl -X POST https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX']],
    negative: ['open https://hooks.slack.com/'],
  },
  'stripe-access-token': {
    positive: [[`stripe listen --api-key ${STRIPE}`, STRIPE]],
    negative: ['sk_live_', 'pk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  },
  'gcp-api-key': {
    positive: [[`curl "https://maps.googleapis.com/maps/api?key=${GOOGLE}"`, GOOGLE]],
    negative: ['AIzaShort'],
  },
  'anthropic-api-key': {
    positive: [[`ANTHROPIC_API_KEY=${ANT} claude -p hi`, ANT]],
    negative: ['sk-ant-', 'echo sk-ant-docs'],
  },
  'openai-api-key': {
    positive: [[`OPENAI_API_KEY=${OPENAI} python run.py`, OPENAI]],
    negative: ['git checkout sk-branch', 'npm i sk-short'],
  },
  'npm-access-token': {
    positive: [['npm config set //registry.npmjs.org/:_authToken npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm_abcdefghijklmnopqrstuvwxyz0123456789']],
    negative: ['npm_config_cache=/tmp/x npm ci'],
  },
  'huggingface-access-token': {
    positive: [['huggingface-cli login --token hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh', 'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh']],
    negative: ['ls hf_models/'],
  },
  'sendgrid-api-token': {
    positive: [[`curl -H "x: SG.${rep('abcDEF123_-x', 22)}.${rep('ghiJKL456_-yzMNOpqr789', 43)}"`, `SG.${rep('abcDEF123_-x', 22)}.${rep('ghiJKL456_-yzMNOpqr789', 43)}`]],
    negative: ['echo SG.short.value'],
  },
  jwt: {
    positive: [[`curl --cookie "session=${JWT}"`, JWT]],
    negative: ['echo eyJhbGciOi', 'cat eyes.txt'],
  },
  'authorization-header': {
    positive: [
      ['curl -H "Authorization: Bearer abc.def-123_456" https://api', 'abc.def-123_456'],
      ["curl -H 'Authorization: Basic dXNlcjpwYXNz' https://api", 'dXNlcjpwYXNz'],
      ['curl -H "X-Api-Key: k3y-v4lue-99" https://api', 'k3y-v4lue-99'],
    ],
    negative: ['grep -r Authorization src/', 'curl -H "Accept: application/json" https://api'],
  },
  'url-userinfo': {
    positive: [['git clone https://bob:s3cretPass@github.com/x/y.git', 's3cretPass'], ['psql postgres://app:p4ss@db:5432/app', 'p4ss']],
    negative: ['git clone https://github.com/x/y.git', 'ssh git@github.com', 'psql postgres://app:$PGPASSWORD@db/app'],
  },
  'curl-user': {
    positive: [['curl -u admin:Adm1nPass https://x', 'Adm1nPass'], ['curl --user=ci:t0ken https://x', 't0ken']],
    negative: ['curl -u admin https://x', 'curl -u "$USER:$PASS" https://x'],
  },
  'cli-password-flag': {
    positive: [['mysql -u root -phunter2 app', 'hunter2'], ['sshpass -p pw123 ssh host', 'pw123']],
    negative: ['mysql -u root -p app', 'mkdir -p build/out'],
  },
  'secret-env-assignment': {
    positive: [['DB_PASSWORD=Xk29vLq7Tz node app.js', 'Xk29vLq7Tz'], ['export SERVICE_TOKEN="a8F3kLm2Qp9Zx"', 'a8F3kLm2Qp9Zx']],
    negative: ['MY_KEY=$OTHER_KEY cmd', 'CACHE_KEY=aaaaaaaaaa make', 'NODE_ENV=production npm start'],
  },
  'password-assignment': {
    positive: [['node cli.js --password hunter2', 'hunter2'], ['echo \'{"password": "pw"}\' | http POST', 'pw'], ['psql "dbname=app password=hunter2"', 'hunter2']],
    negative: ['the password reset flow works', 'node cli.js --password "$PW"', 'git grep password_hash'],
  },
  'token-assignment': {
    positive: [['curl "https://api.example.com/v1?access_token=Zk39fLq0Xw82Pm"', 'Zk39fLq0Xw82Pm'], ['tool --api-key=9fK2mQ7xLp3Vb', '9fK2mQ7xLp3Vb']],
    negative: ['llm --max-tokens 100000', 'node tokenize.js', 'tool --token=abc', 'grep -r author=Ana'],
  },
};

describe('trace redaction', () => {
  it('covers every rule of the table with examples', () => {
    assert.deepEqual(Object.keys(CASES).sort(), SECRET_RULES.map((r) => r.id).sort());
  });

  for (const rule of SECRET_RULES) {
    const cases = CASES[rule.id]!;
    describe(rule.id, () => {
      for (const [text, secret] of cases.positive) {
        it(`redacts ${JSON.stringify(text.slice(0, 50))}`, () => {
          const found = findSecrets(text, [rule]);
          assert.ok(found.length > 0, `rule ${rule.id} found nothing`);
          const out = redactText(text);
          assert.ok(!out.includes(secret), `secret survived: ${out}`);
          assert.ok(out.includes('[REDACTED:'), out);
        });
      }
      for (const text of cases.negative) {
        it(`leaves ${JSON.stringify(text.slice(0, 50))} to other rules`, () => {
          assert.deepEqual(findSecrets(text, [rule]), []);
        });
      }
    });
  }

  it('keeps everything that is not a secret readable', () => {
    assert.equal(redactText('git clone https://bob:s3cretPass@github.com/x/y.git'), 'git clone https://bob:[REDACTED:url-userinfo]@github.com/x/y.git');
    assert.equal(redactText('npm test -- --grep "writer"'), 'npm test -- --grep "writer"');
  });

  it('merges overlapping findings into one mask named by the most specific rule', () => {
    const r = redactCommand(`export GITHUB_TOKEN=${GHP}`);
    assert.equal(r.redacted, 'export GITHUB_TOKEN=[REDACTED:github-token]');
    assert.equal(r.findings[0], 'github-token');
  });

  it('hashes the raw command, domain-separated, so equal commands match without storing them', () => {
    const a = redactCommand(`curl -H "Authorization: Bearer ${GHP}" x`);
    const b = redactCommand(`curl -H "Authorization: Bearer ${GHP.replace('R', 'S')}" x`);
    assert.equal(a.redacted, b.redacted);
    assert.notEqual(a.cmd_hash, b.cmd_hash);
    assert.match(a.cmd_hash, /^[0-9a-f]{64}$/);
    assert.equal(a.cmd_hash, commandHash(`curl -H "Authorization: Bearer ${GHP}" x`));
    assert.notEqual(commandHash('ls'), promptHash('ls'));
    assert.notEqual(commandHash('ls'), commandHash('ls', Buffer.from('installation key')));
  });

  it('measures entropy as gitleaks does', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
  });
});
