-- Every row of raw customers, typed, with its quarantine verdict (see relance_check_table).

{{ relance_check_table('customers') }}
