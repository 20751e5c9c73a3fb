-- Rows of raw crm.tickets that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_crm__tickets', 'crm', 'tickets') }}
