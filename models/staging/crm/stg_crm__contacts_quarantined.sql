-- Rows of raw crm.contacts that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_crm__contacts', 'crm', 'contacts') }}
