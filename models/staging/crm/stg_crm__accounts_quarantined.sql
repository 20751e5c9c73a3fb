-- Rows of raw crm.accounts that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_crm__accounts', 'crm', 'accounts') }}
