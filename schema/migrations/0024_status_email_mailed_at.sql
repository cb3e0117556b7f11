-- When a status page email subscriber was last sent a confirmation mail (worker/status/email-subscribers.ts):
-- the form mails one address at most once per cooldown, so it cannot be used to flood someone's inbox.
ALTER TABLE status_email_subscribers ADD COLUMN mailed_at INTEGER;
