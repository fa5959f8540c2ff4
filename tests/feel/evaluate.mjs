// Runs an exported DMN file the way a third-party engine would: dmn-moddle reads the XML (and
// reports what it cannot read), feelin evaluates each input expression and unary test.
// stdin: {"dmn": "<xml>", "situations": [{fact: value, ...}]}
// stdout: {"warnings": [...], "fired": [[rule ids of situation 0], ...]}
import { DmnModdle } from 'dmn-moddle';
import { evaluate, unaryTest } from 'feelin';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { dmn, situations } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const { rootElement, warnings } = await new DmnModdle().fromXML(dmn, 'dmn:Definitions');
const problems = warnings.map((w) => String(w.message));
const inputs = (rootElement.drgElement || []).filter((e) => e.$type === 'dmn:InputData').map((e) => e.name);
const tables = (rootElement.drgElement || [])
  .filter((e) => e.$type === 'dmn:Decision' && e.decisionLogic && e.decisionLogic.$type === 'dmn:DecisionTable')
  .map((e) => e.decisionLogic);
const fired = situations.map((facts) => {
  const context = Object.fromEntries(inputs.map((name) => [name, name in facts ? facts[name] : null]));
  const ids = [];
  for (const table of tables) {
    const values = table.input.map((input) => evaluate(input.inputExpression.text, context).value ?? null);
    for (const rule of table.rule) {
      const holds = rule.inputEntry.every((entry, j) => unaryTest(entry.text, { ...context, '?': values[j] }).value === true);
      if (holds) ids.push(JSON.parse(rule.outputEntry[0].text));
    }
  }
  return [...new Set(ids)].sort();
});
process.stdout.write(JSON.stringify({ warnings: problems, fired }));
