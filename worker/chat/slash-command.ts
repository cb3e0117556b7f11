/**
 * `/firebell …` text → what to do, pure. Incident numbers may be written 42 or #42.
 */
import { SEVERITIES, type Severity } from '../../schema/alert';
import type { IncidentCommand } from '../../schema/incident';

export type SlashCommand =
  | { kind: 'incident'; number: number; command: IncidentCommand; verb: string }
  | { kind: 'oncall'; service: string | null }
  | { kind: 'role'; number: number; role: string; mention: string }
  | { kind: 'new'; title: string; severity: Severity; service: string | null }
  | { kind: 'link'; code: string }
  | { kind: 'help' }
  | { kind: 'unknown'; detail: string };

export const HELP_TEXT = [
  '*Firebell* commands:',
  '`/firebell ack 42`: acknowledge incident #42',
  '`/firebell resolve 42 [note]`: resolve it',
  '`/firebell note 42 text`: add a note to its timeline',
  '`/firebell status 42 text`: post a status update',
  '`/firebell role 42 commander @user`: give someone a role on it',
  '`/firebell new "title" --severity critical --service checkout`: open an incident',
  '`/firebell oncall [service]`: who is on call now',
  '`/firebell link CODE`: link your Slack user to Firebell (get the code in Firebell → Settings)',
  '`/firebell help`: this list',
].join('\n');

const NOTE_MAX = 8000;

/** Parse the text after `/firebell`. */
export function parseSlashCommand(text: string): SlashCommand {
  const trimmed = text.trim();
  const [word = '', ...rest] = trimmed.split(/\s+/);
  const verb = word.toLowerCase();
  if (!verb || verb === 'help') return { kind: 'help' };
  if (verb === 'oncall' || verb === 'on-call')
    return { kind: 'oncall', service: rest.join(' ').trim() || null };
  if (verb === 'link') {
    const code = rest.join('');
    return code
      ? { kind: 'link', code }
      : {
          kind: 'unknown',
          detail: 'Give the code from Firebell → Settings: `/firebell link CODE`.',
        };
  }
  if (verb === 'new') return parseNew(trimmed.slice(word.length));
  if (verb === 'role') {
    const match = /^#?(\d{1,9})$/.exec(rest[0] ?? '');
    if (!match || !rest[1] || !rest[2])
      return { kind: 'unknown', detail: 'Write it as `/firebell role 42 commander @user`.' };
    return {
      kind: 'role',
      number: Number(match[1]),
      role: rest[1].toLowerCase(),
      mention: rest[2],
    };
  }
  const numbered = ['ack', 'acknowledge', 'resolve', 'note', 'status'];
  if (!numbered.includes(verb))
    return {
      kind: 'unknown',
      detail: `I do not know \`${clipWord(word)}\`. Try \`/firebell help\`.`,
    };
  const match = /^#?(\d{1,9})$/.exec(rest[0] ?? '');
  if (!match)
    return { kind: 'unknown', detail: `Which incident? For example \`/firebell ${verb} 42\`.` };
  const number = Number(match[1]);
  const more = trimmed
    .slice(trimmed.indexOf(rest[0] as string) + (rest[0] as string).length)
    .trim();
  if (verb === 'ack' || verb === 'acknowledge')
    return { kind: 'incident', number, verb: 'Acknowledged', command: { type: 'acknowledge' } };
  if (verb === 'resolve')
    return {
      kind: 'incident',
      number,
      verb: 'Resolved',
      command: more ? { type: 'resolve', note: more.slice(0, 4000) } : { type: 'resolve' },
    };
  if (!more)
    return {
      kind: 'unknown',
      detail: `Write the text after the number: \`/firebell ${verb} ${number} …\`.`,
    };
  return verb === 'note'
    ? {
        kind: 'incident',
        number,
        verb: 'Noted on',
        command: { type: 'add_note', text: more.slice(0, NOTE_MAX) },
      }
    : {
        kind: 'incident',
        number,
        verb: 'Posted a status update on',
        command: { type: 'post_status_update', text: more.slice(0, NOTE_MAX) },
      };
}

const clipWord = (w: string) => (w.length > 30 ? `${w.slice(0, 30)}…` : w).replace(/`/g, "'");

/** `new "title" [--severity s] [--service name]` (the title may be unquoted if it is the only argument). */
function parseNew(args: string): SlashCommand {
  const options: Record<string, string> = {};
  const withoutOptions = args.replace(
    /--(severity|service)\s+("[^"]*"|\S+)/g,
    (_, key: string, value: string) => {
      options[key] = value.replace(/^"|"$/g, '');
      return '';
    },
  );
  const title = withoutOptions.trim().replace(/^"|"$/g, '').trim();
  if (!title)
    return { kind: 'unknown', detail: 'Give a title: `/firebell new "Checkout is down"`.' };
  const severity = (options.severity ?? 'error').toLowerCase();
  if (!(SEVERITIES as readonly string[]).includes(severity))
    return { kind: 'unknown', detail: `Severity is one of ${SEVERITIES.join(', ')}.` };
  return {
    kind: 'new',
    title: title.slice(0, 200),
    severity: severity as Severity,
    service: options.service ?? null,
  };
}
