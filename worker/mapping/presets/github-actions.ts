/**
 * GitHub Actions through the `workflow_run` webhook event. GitHub sends it when a run is requested, in progress and
 * completed; only completed runs that failed (or passed) raise an alert, so a red workflow on a branch opens one
 * incident and its next green run on that branch resolves it.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

export const githubActions: MappingPreset = {
  id: 'github-actions',
  name: 'GitHub Actions (failed workflows)',
  setup:
    "In GitHub, open the repository's (or organization's) Settings → Webhooks → Add webhook: Payload URL = this " +
    'integration\'s URL, Content type = application/json, "Let me select individual events" → Workflow runs only. ' +
    'A failed or timed-out run opens an incident per workflow and branch; the next successful run of that workflow ' +
    'on that branch resolves it. Requested, in-progress, cancelled and skipped runs are ignored.',
  docs: 'https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_run',
  mapping: {
    alerts:
      'action = "completed" and workflow_run.conclusion in ["failure", "timed_out", "startup_failure", "success"] ? [$] : []',
    summary:
      '{{ (workflow.name ? workflow.name : workflow_run.name) & " " & $lookup({"failure": "failed", "timed_out": "timed out", "startup_failure": "failed to start", "success": "passed"}, workflow_run.conclusion) & " on " & repository.full_name & " " & workflow_run.head_branch }}',
    // A red default branch blocks everyone; a red feature branch mostly its author.
    severity: {
      value:
        'workflow_run.head_branch = repository.default_branch ? "default branch" : "other branch"',
      map: { 'default branch': 'error', 'other branch': 'warning' },
      default: 'error',
    },
    action: {
      value: 'workflow_run.conclusion',
      map: {
        failure: 'trigger',
        timed_out: 'trigger',
        startup_failure: 'trigger',
        success: 'resolve',
      },
      default: 'trigger',
    },
    dedup_key:
      'github/{{ repository.full_name }}/{{ workflow_run.workflow_id }}/{{ workflow_run.head_branch }}',
    source: '{{ repository.full_name }}',
    occurred_at: 'workflow_run.updated_at',
    links: '[{"href": workflow_run.html_url, "text": "Workflow run"}]',
    // The whole event is ~20 KB of URLs; keep what an on-call engineer reads.
    details:
      '{"repository": repository.full_name, "workflow": workflow.name, "branch": workflow_run.head_branch, ' +
      '"commit": workflow_run.head_sha, "title": workflow_run.display_title, "trigger": workflow_run.event, ' +
      '"conclusion": workflow_run.conclusion, "run_number": workflow_run.run_number, ' +
      '"run_attempt": workflow_run.run_attempt, "actor": workflow_run.actor.login}',
  },
};
