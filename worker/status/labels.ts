/** Words for a public update's status, shared by the page, the feeds, the timeline line and subscribers' messages. */
const UPDATE_LABEL: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/** "Investigating" for `investigating`; an unknown status as it is. */
export const updateLabel = (status: string): string => UPDATE_LABEL[status] ?? status;
