-- Rows of raw crm.subscriptions that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_crm__subscriptions', 'crm', 'subscriptions') }}
