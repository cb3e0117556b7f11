import { useCallback, useState } from 'preact/hooks';
import {
  attachPolicy,
  createService,
  deleteService,
  detachPolicy,
  listIntegrations,
  updateService,
} from '../../lib/admin-api';
import { errorText, useAction } from '../../lib/hooks';
import type { Integration, IntegrationWithKey, Policy, Service } from '../../lib/types';
import { ConfirmButton } from '../confirm-button';
import { FormButtons } from '../form-buttons';
import { Notice } from '../notice';
import { AddIntegration } from './add-integration';
import { IntegrationCard } from './integration-card';
import { ServiceChanges } from './service-changes';
import { ServiceRules } from './service-rules';
import { ServiceRunbooks } from './service-runbooks';

interface Props {
  services: Service[];
  policies: Policy[];
  onChanged: () => Promise<void>;
}

/** Services: create one, pick the policy that pages for it, and wire monitors to it. */
export function ServicesAdmin({ services, policies, onChanged }: Props) {
  const [name, setName] = useState('');
  const [policyId, setPolicyId] = useState('');
  const [opened, setOpened] = useState<string | null>(null);
  const { pending, outcome, run } = useAction();

  const create = (ev: Event) => {
    ev.preventDefault();
    void run('Creating the service…', async () => {
      const { service } = await createService({
        name: name.trim(),
        ...(policyId ? { policyId } : {}),
      });
      setName('');
      // The next service may well be paged by someone else: start it from "None" again.
      setPolicyId('');
      await onChanged();
      setOpened(service.id);
      return `Service “${service.name}” created. Add an integration for each monitor that should page for it.`;
    });
  };

  return (
    <section aria-labelledby="services-heading" class="stack">
      <h2 id="services-heading">Services</h2>
      <form class="card stack admin-form" onSubmit={create}>
        <label class="field">
          <span>New service name</span>
          <input
            value={name}
            maxLength={120}
            placeholder="checkout"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <PolicySelect policies={policies} value={policyId} onChange={setPolicyId} />
        <button
          type="submit"
          class="button button-primary"
          disabled={pending !== null || !name.trim()}
        >
          Create service
        </button>
        <Notice outcome={outcome} pending={pending} />
      </form>
      {services.length === 0 && <p class="empty">No services yet.</p>}
      <ul class="card-list">
        {services.map((s) => (
          <ServiceCard
            key={s.id}
            service={s}
            services={services}
            policies={policies}
            open={opened === s.id}
            onToggle={(open) => setOpened(open ? s.id : opened === s.id ? null : opened)}
            onChanged={onChanged}
          />
        ))}
      </ul>
    </section>
  );
}

function PolicySelect({
  policies,
  value,
  onChange,
  label = 'Escalation policy',
}: {
  policies: Policy[];
  value: string;
  onChange: (id: string) => void;
  label?: string;
}) {
  return (
    <label class="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">None (pages the admins)</option>
        {policies.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

type Listed = Integration & { recentPayloads: NonNullable<Integration['recentPayloads']> };

interface CardProps {
  service: Service;
  services: Service[];
  policies: Policy[];
  open: boolean;
  onToggle: (open: boolean) => void;
  onChanged: () => Promise<void>;
}

function ServiceCard({ service, services, policies, open, onToggle, onChanged }: CardProps) {
  const [integrations, setIntegrations] = useState<Listed[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Keys exist only in the create/rotate answer: hold them while this screen is open, never anywhere else.
  const [fresh, setFresh] = useState<Record<string, IntegrationWithKey>>({});
  const [policyId, setPolicyId] = useState(service.policyId ?? '');
  const attach = useAction();
  const edit = useAction();
  const [renaming, setRenaming] = useState(false);
  const [newName, setNewName] = useState(service.name);
  const [description, setDescription] = useState(service.description);
  const policy = policies.find((p) => p.id === service.policyId);

  const load = useCallback(async () => {
    try {
      setIntegrations((await listIntegrations(service.id)).integrations);
      setLoadError(null);
    } catch (err) {
      setLoadError(errorText(err));
    }
  }, [service.id]);

  const keep = (withKey: IntegrationWithKey) => {
    setFresh((f) => ({ ...f, [withKey.id]: withKey }));
    const { key: _key, url: _url, ...integration } = withKey;
    setIntegrations((list) =>
      list?.some((i) => i.id === integration.id)
        ? list
        : [...(list ?? []), { ...integration, recentPayloads: [] }],
    );
    void load();
  };

  const savePolicy = () =>
    void attach.run('Saving…', async () => {
      if (policyId) await attachPolicy(policyId, service.id);
      else if (service.policyId) await detachPolicy(service.policyId, service.id);
      await onChanged();
      return policyId
        ? `${policies.find((p) => p.id === policyId)?.name ?? 'The policy'} now pages for ${service.name}.`
        : `${service.name} has no escalation policy now.`;
    });

  const rename = (ev: Event) => {
    ev.preventDefault();
    void edit.run('Saving…', async () => {
      const { service: saved } = await updateService(service.id, {
        name: newName.trim(),
        description: description.trim(),
      });
      setRenaming(false);
      await onChanged();
      return `Saved “${saved.name}”.`;
    });
  };
  const remove = () =>
    void edit.run('Deleting the service…', async () => {
      await deleteService(service.id);
      await onChanged();
      return `Service “${service.name}” deleted.`;
    });

  return (
    <li class="card">
      <details
        open={open}
        onToggle={(e) => {
          const isOpen = e.currentTarget.open;
          if (isOpen && !integrations) void load();
          if (isOpen !== open) onToggle(isOpen);
        }}
      >
        <summary class="service-summary">
          <strong>{service.name}</strong>
          <span class="muted small">
            {policy ? `paged by ${policy.name}` : 'no escalation policy'}
          </span>
        </summary>
        <div class="stack">
          {service.description && !renaming && <p class="muted small">{service.description}</p>}
          {renaming ? (
            <form class="stack" onSubmit={rename}>
              <label class="field">
                <span>Service name</span>
                <input
                  value={newName}
                  maxLength={120}
                  onInput={(e) => setNewName(e.currentTarget.value)}
                />
              </label>
              <label class="field">
                <span>Description</span>
                <input
                  value={description}
                  maxLength={2000}
                  placeholder="What it does, who to ask"
                  onInput={(e) => setDescription(e.currentTarget.value)}
                />
              </label>
              <FormButtons
                save="Save"
                disabled={edit.pending !== null || !newName.trim()}
                onCancel={() => setRenaming(false)}
              />
            </form>
          ) : (
            <div class="row-buttons">
              <button
                type="button"
                class="button"
                disabled={edit.pending !== null}
                onClick={() => setRenaming(true)}
              >
                Rename
              </button>
              <ConfirmButton
                label="Delete service"
                confirm="Tap again to delete"
                disabled={edit.pending !== null}
                onConfirm={remove}
              />
            </div>
          )}
          <Notice outcome={edit.outcome} pending={edit.pending} />
          <div class="inline-form">
            <PolicySelect
              policies={policies}
              value={policyId}
              onChange={setPolicyId}
              label={`Escalation policy for ${service.name}`}
            />
            <button
              type="button"
              class="button"
              disabled={attach.pending !== null || policyId === (service.policyId ?? '')}
              onClick={savePolicy}
            >
              Save policy
            </button>
          </div>
          <Notice outcome={attach.outcome} pending={attach.pending} />

          <h3>Integrations</h3>
          {loadError && (
            <p class="notice notice-error" role="alert">
              {loadError}
            </p>
          )}
          {integrations && integrations.length === 0 && (
            <p class="empty">No integrations: nothing can page for this service yet.</p>
          )}
          {integrations && integrations.length > 0 && (
            <ul class="card-list">
              {integrations.map((i) => (
                <IntegrationCard
                  key={i.id}
                  integration={i}
                  fresh={fresh[i.id] ?? null}
                  onKey={keep}
                  onChanged={load}
                />
              ))}
            </ul>
          )}
          <AddIntegration serviceId={service.id} onAdded={keep} />
          <ServiceRunbooks service={service} />
          <ServiceRules service={service} services={services} />
          {integrations && <ServiceChanges service={service} />}
        </div>
      </details>
    </li>
  );
}
