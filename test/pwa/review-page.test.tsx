import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ReviewPrompt } from '../../pwa/src/components/review-prompt';
import { rebase, toDraft } from '../../pwa/src/lib/review-draft';
import { ReviewPage } from '../../pwa/src/pages/review';
import type { Review } from '../../pwa/src/lib/types';
import { json, me, problem, stubFetch } from './fakes';

const T = Date.now() - 3_600_000;

function review(overrides: Partial<Review> = {}): Review {
  return {
    incidentId: 'inc_1',
    status: 'draft',
    version: 1,
    sections: {
      summary: '',
      customerImpact: '',
      rootCause: '',
      contributingFactors: '',
      wentWell: '',
      wentBadly: '',
    },
    actionItems: [],
    facts: {
      incidentId: 'inc_1',
      number: 4,
      title: 'Checkout latency above 2s',
      severity: 'critical',
      serviceId: 'svc_checkout',
      incidentStatus: 'resolved',
      createdAt: T,
      acknowledgedAt: T + 240_000,
      resolvedAt: T + 1_800_000,
      timeToAcknowledge: { ms: 240_000, text: '4 min' },
      timeToResolve: { ms: 1_800_000, text: '30 min' },
      escalationLevel: 1,
      keyMoments: [
        {
          kind: 'triggered',
          at: T,
          offsetMs: 0,
          text: 'Triggered by Alertmanager',
          actor: 'Alertmanager',
        },
        {
          kind: 'acknowledged',
          at: T + 240_000,
          offsetMs: 240_000,
          text: 'Acknowledged by Mo',
          actor: 'Mo',
        },
        {
          kind: 'resolved',
          at: T + 1_800_000,
          offsetMs: 1_800_000,
          text: 'Resolved by Mo',
          actor: 'Mo',
        },
      ],
      participants: [{ id: 'u_me', name: 'Mo', roles: ['incident_commander', 'acknowledged'] }],
      alerts: [],
      lastSeq: 9,
      capturedAt: T + 1_900_000,
    },
    createdBy: { id: 'u_me', name: 'Mo' },
    createdAt: T + 1_900_000,
    updatedBy: { id: 'u_me', name: 'Mo' },
    updatedAt: T + 1_900_000,
    publishedAt: null,
    edits: [],
    ...overrides,
  };
}

const sections = (s: Partial<Review['sections']>) => ({ ...review().sections, ...s });
const users = () => json({ users: [me, { id: 'u_ann', name: 'Ann', role: 'responder' }] });

describe('the review page', () => {
  it('starts a suggested review pre-filled from the incident, with its key moments and durations', async () => {
    const calls = stubFetch({
      'GET /api/incidents/inc_1/review': () =>
        new Response(
          JSON.stringify({
            type: 'x',
            title: 'Not found',
            status: 404,
            code: 'not-found',
            detail: 'Incident inc_1 has no review yet.',
            suggested: true,
          }),
          {
            status: 404,
            headers: { 'content-type': 'application/problem+json' },
          },
        ),
      'POST /api/incidents/inc_1/review': () => json(review(), 201),
      'GET /api/users': users,
    });
    render(<ReviewPage id="inc_1" me={me} />);

    expect(await screen.findByText(/A review is suggested for this incident/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Start the review' }));

    expect(
      await screen.findByRole('heading', { name: 'Checkout latency above 2s' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Time to acknowledge').nextSibling).toHaveTextContent('4 min');
    expect(screen.getByText('Time to resolve').nextSibling).toHaveTextContent('30 min');
    expect(
      within(screen.getByRole('list', { name: 'Key moments' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      expect.stringContaining('Triggered by Alertmanager'),
      expect.stringContaining('Acknowledged by Mo'),
      expect.stringContaining('Resolved by Mo'),
    ]);
    expect(
      screen.getByText('Incident commander, Acknowledged', { exact: false }),
    ).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(screen.getByRole('link', { name: 'Markdown' })).toHaveAttribute(
      'href',
      '/api/incidents/inc_1/review.md',
    );
  });

  it('saves sections, an action item and the status against the version it read', async () => {
    const calls = stubFetch({
      'GET /api/incidents/inc_1/review': () => json(review()),
      'PUT /api/incidents/inc_1/review': ({ body }) => {
        const edit = body as { sections: Review['sections']; status: Review['status'] };
        return json(
          review({
            version: 2,
            sections: edit.sections,
            status: edit.status,
            actionItems: [
              {
                id: 'act_1',
                title: 'Alert on p99',
                ownerId: 'u_ann',
                ownerName: 'Ann',
                dueDate: '2030-01-31',
                done: false,
                doneAt: null,
                createdAt: T,
              },
            ],
          }),
        );
      },
      'GET /api/users': users,
    });
    render(<ReviewPage id="inc_1" me={me} />);

    fireEvent.input(await screen.findByLabelText('Summary'), {
      target: { value: 'Checkout slowed for 30 minutes.' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'In review' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add action item' }));
    fireEvent.input(screen.getByLabelText('Action item 1'), { target: { value: 'Alert on p99' } });
    fireEvent.change(await screen.findByRole('combobox', { name: 'Owner' }), {
      target: { value: 'u_ann' },
    });
    fireEvent.input(screen.getByLabelText('Due'), { target: { value: '2030-01-31' } });
    expect(screen.getByText('Unsaved: Summary, Action items, Status')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
      version: 1,
      sections: sections({ summary: 'Checkout slowed for 30 minutes.' }),
      actionItems: [
        { title: 'Alert on p99', ownerId: 'u_ann', dueDate: '2030-01-31', done: false },
      ],
      status: 'in_review',
    });
    expect(screen.getByText(/^Version 2/)).toBeInTheDocument();
    expect(screen.getByText('All changes saved.')).toBeInTheDocument();
  });

  it('explains a conflicting save, shows their text, and merges: their untouched parts plus my edits, against their version', async () => {
    const theirs = review({
      version: 2,
      sections: sections({ rootCause: 'A bad deploy of checkout 1.42.' }),
      updatedBy: { id: 'u_ann', name: 'Ann' },
      updatedAt: Date.now() - 60_000,
    });
    let puts = 0;
    const calls = stubFetch({
      'GET /api/incidents/inc_1/review': () => json(review()),
      'PUT /api/incidents/inc_1/review': () => {
        puts += 1;
        if (puts === 1) {
          return new Response(
            JSON.stringify({
              type: 'x',
              title: 'Conflict',
              status: 409,
              code: 'conflict',
              detail: 'Someone else saved this review.',
              current: theirs,
            }),
            {
              status: 409,
              headers: { 'content-type': 'application/problem+json' },
            },
          );
        }
        return json(
          review({
            version: 3,
            sections: sections({ summary: 'Mine', rootCause: 'A bad deploy of checkout 1.42.' }),
          }),
        );
      },
      'GET /api/users': users,
    });
    render(<ReviewPage id="inc_1" me={me} />);

    fireEvent.input(await screen.findByLabelText('Summary'), { target: { value: 'Mine' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Not saved: someone else changed this review.',
    );
    const conflict = screen.getByRole('region', { name: 'Someone else changed this review' });
    expect(conflict).toHaveTextContent('Ann saved version 2');
    expect(within(conflict).getByText('A bad deploy of checkout 1.42.')).toBeInTheDocument();

    fireEvent.click(within(conflict).getByRole('button', { name: 'Keep my edits on top' }));
    expect(screen.getByLabelText('Summary')).toHaveValue('Mine');
    expect(screen.getByLabelText('Root cause')).toHaveValue('A bad deploy of checkout 1.42.');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    const second = calls.filter((c) => c.method === 'PUT')[1]!.body as {
      version: number;
      sections: Review['sections'];
    };
    expect(second.version).toBe(2);
    expect(second.sections).toEqual(
      sections({ summary: 'Mine', rootCause: 'A bad deploy of checkout 1.42.' }),
    );
  });

  it('can drop my edits and load theirs instead', async () => {
    const theirs = review({
      version: 5,
      sections: sections({ summary: 'Theirs' }),
      updatedBy: { id: 'u_ann', name: 'Ann' },
    });
    stubFetch({
      'GET /api/incidents/inc_1/review': () => json(review()),
      'PUT /api/incidents/inc_1/review': () =>
        new Response(
          JSON.stringify({
            type: 'x',
            title: 'Conflict',
            status: 409,
            code: 'conflict',
            detail: 'x',
            current: theirs,
          }),
          { status: 409, headers: { 'content-type': 'application/problem+json' } },
        ),
      'GET /api/users': users,
    });
    render(<ReviewPage id="inc_1" me={me} />);
    fireEvent.input(await screen.findByLabelText('Summary'), { target: { value: 'Mine' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const conflict = await screen.findByRole('region', {
      name: 'Someone else changed this review',
    });
    expect(
      within(conflict).getByRole('heading', { name: 'Summary (you both changed it)' }),
    ).toBeInTheDocument();

    fireEvent.click(within(conflict).getByRole('button', { name: 'Load their version' }));
    expect(screen.getByLabelText('Summary')).toHaveValue('Theirs');
    expect(screen.getByText(/^Version 5/)).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Someone else changed this review' })).toBeNull();
  });

  it('says so when the incident itself does not exist, rather than offering to start a review', async () => {
    stubFetch({
      'GET /api/incidents/inc_1/review': () => problem(404, 'No incident inc_1.', 'not-found'),
      'GET /api/users': users,
    });
    render(<ReviewPage id="inc_1" me={me} />);
    expect(
      await screen.findByRole('heading', { name: "Can't open this review" }),
    ).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('No incident inc_1.');
    expect(screen.queryByRole('button', { name: 'Start the review' })).toBeNull();
  });

  it('counts distinct alerts, keeps a skipped level among the key moments, and shows what each monitor said', async () => {
    const facts = review().facts;
    const withAlerts = review({
      facts: {
        ...facts,
        keyMoments: [
          facts.keyMoments[0]!,
          {
            kind: 'escalation_skipped',
            at: T,
            offsetMs: 0,
            text: 'Skipped level 1: Night shift has nobody on shift',
            actor: 'Firebell',
          },
          ...facts.keyMoments.slice(1),
        ],
        alerts: [
          {
            key: 'a1',
            summary: 'p99 latency above 2s',
            severity: 'warning',
            status: 'resolved',
            resolvedBy: 'monitor',
            source: 'web-1',
            count: 3,
            firstSeenAt: T,
            lastSeenAt: T + 600_000,
            annotations: { description: 'Slow since the 1.42 deploy' },
          },
          {
            key: 'a2',
            summary: '5xx above 5%',
            severity: 'critical',
            status: 'resolved',
            resolvedBy: 'incident',
            source: null,
            count: 1,
            firstSeenAt: T,
            lastSeenAt: T,
            details: { build: '1.42', dashboard: 'https://grafana.example.com/d/x' },
          },
        ],
      },
    });
    stubFetch({
      'GET /api/incidents/inc_1/review': () => json(withAlerts),
      'GET /api/users': users,
    });
    render(<ReviewPage id="inc_1" me={me} />);

    expect((await screen.findByText('Alerts', { selector: 'dt' })).nextSibling).toHaveTextContent(
      /^2$/,
    );
    expect(
      within(screen.getByRole('list', { name: 'Key moments' })).getByText(
        'Skipped level 1: Night shift has nobody on shift',
      ),
    ).toBeInTheDocument();
    const involved = screen.getByRole('region', { name: 'Alerts involved' });
    expect(involved).toHaveTextContent('p99 latency above 2s · warning · fired 3 times · resolved');
    expect(involved).toHaveTextContent(
      '5xx above 5% · critical · fired once · resolved with the incident',
    );
    expect(within(involved).getByText('Slow since the 1.42 deploy')).toBeInTheDocument();
    fireEvent.click(within(involved).getByText('Details · 2 fields'));
    expect(
      within(involved).getByRole('link', { name: 'https://grafana.example.com/d/x' }),
    ).toHaveAttribute('target', '_blank');
  });

  it('is read-only for a viewer', async () => {
    stubFetch({ 'GET /api/incidents/inc_1/review': () => json(review()), 'GET /api/users': users });
    render(<ReviewPage id="inc_1" me={{ ...me, role: 'viewer' }} />);
    expect(await screen.findByLabelText('Summary')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
  });
});

describe('merging my draft onto someone else’s save', () => {
  it('takes their version of everything I did not touch and names what we both changed', () => {
    const base = review();
    const theirs = review({
      version: 2,
      sections: sections({ summary: 'Theirs', rootCause: 'Deploy' }),
      status: 'in_review',
    });
    const draft = {
      ...toDraft(base),
      sections: sections({ summary: 'Mine', wentWell: 'Fast ack' }),
    };
    const { draft: merged, clashes } = rebase(draft, base, theirs);
    expect(merged.sections).toEqual(
      sections({ summary: 'Mine', rootCause: 'Deploy', wentWell: 'Fast ack' }),
    );
    expect(merged.status).toBe('in_review');
    expect(clashes).toEqual(['summary']);
  });
});

describe('the review prompt on a resolved incident', () => {
  it('asks prominently for a review when the server suggests one', async () => {
    stubFetch({
      'GET /api/incidents/inc_1/review': () =>
        new Response(
          JSON.stringify({
            type: 'x',
            title: 'Not found',
            status: 404,
            code: 'not-found',
            detail: 'No review yet.',
            suggested: true,
          }),
          { status: 404, headers: { 'content-type': 'application/problem+json' } },
        ),
    });
    render(<ReviewPrompt incidentId="inc_1" />);
    expect(await screen.findByRole('link', { name: 'Start the review' })).toHaveAttribute(
      'href',
      '/incidents/inc_1/review',
    );
    expect(screen.getByText(/A review is suggested/)).toBeInTheDocument();
  });

  it('links to the review that exists, with its status', async () => {
    stubFetch({
      'GET /api/incidents/inc_1/review': () => json(review({ status: 'published', version: 7 })),
    });
    render(<ReviewPrompt incidentId="inc_1" />);
    expect(
      await screen.findByText('Post-incident review: published, version 7.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the review' })).toBeInTheDocument();
  });

  it('offers a quiet link otherwise', async () => {
    stubFetch({
      'GET /api/incidents/inc_1/review': () => problem(404, 'No review yet.', 'not-found'),
    });
    render(<ReviewPrompt incidentId="inc_1" />);
    expect(await screen.findByRole('link', { name: 'Write a review' })).toBeInTheDocument();
  });
});
