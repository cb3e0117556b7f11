/**
 * GitLab pipeline events (X-Gitlab-Event: Pipeline Hook), sent at every status change of a pipeline. Only failed
 * and successful pipelines raise an alert, so a red branch opens one incident per project and branch and its next
 * green pipeline resolves it.
 */
import type { MappingPreset } from '../../../schema/mapping-schemas';

export const gitlabPipeline: MappingPreset = {
  id: 'gitlab-pipeline',
  name: 'GitLab CI (failed pipelines)',
  setup:
    "In GitLab, open the project's (or group's) Settings → Webhooks → Add new webhook: URL = this integration's " +
    'URL, trigger "Pipeline events" only. A failed pipeline opens an incident per project and branch (naming the ' +
    'failed jobs); the next successful pipeline on that branch resolves it. Other statuses (running, canceled, ' +
    'skipped…) are ignored.',
  docs: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#pipeline-events',
  mapping: {
    alerts:
      'object_kind = "pipeline" and object_attributes.status in ["failed", "success"] ? [$] : []',
    summary:
      '{{ "Pipeline " & (object_attributes.status = "success" ? "passed" : "failed") & " on " & project.path_with_namespace & " " & object_attributes.ref & ($failed := object_attributes.status = "failed" ? builds[status = "failed"].name; $count($failed) > 0 ? " (" & $join($failed, ", ") & ")" : "") }}',
    // A red default branch blocks everyone; a red feature branch mostly its author.
    severity: {
      value: 'object_attributes.ref = project.default_branch ? "default branch" : "other branch"',
      map: { 'default branch': 'error', 'other branch': 'warning' },
      default: 'error',
    },
    action: {
      value: 'object_attributes.status',
      map: { failed: 'trigger', success: 'resolve' },
      default: 'trigger',
    },
    dedup_key: 'gitlab/{{ project.path_with_namespace }}/{{ object_attributes.ref }}',
    source: '{{ project.path_with_namespace }}',
    // "2016-08-12 15:26:29 UTC" → ISO 8601.
    occurred_at:
      '$type(object_attributes.finished_at) = "string" ? $replace(object_attributes.finished_at, /^(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d) UTC$/, "$1T$2Z")',
    links:
      '[{"href": object_attributes.url, "text": "Pipeline"}, builds[status = "failed"].{"href": $$.project.web_url & "/-/jobs/" & id, "text": "Failed job " & name}]',
    details:
      '{"project": project.path_with_namespace, "ref": object_attributes.ref, "commit": object_attributes.sha, ' +
      '"source": object_attributes.source, "status": object_attributes.status, "pipeline": object_attributes.id, ' +
      '"failed_jobs": builds[status = "failed"].{"name": name, "stage": stage, "reason": failure_reason}, ' +
      '"user": user.username}',
  },
};
