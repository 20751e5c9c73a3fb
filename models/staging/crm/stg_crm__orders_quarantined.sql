-- Rows of raw crm.orders that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_crm__orders', 'crm', 'orders') }}
