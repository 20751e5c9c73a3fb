-- Rows of raw compliance.erasure_requests that staging could not keep, one per raw row, with the reason.
{{ select_quarantined('base_compliance__erasure_requests', 'compliance', 'erasure_requests') }}
