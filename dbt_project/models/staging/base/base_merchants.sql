-- Every row of raw merchants, typed, with its quarantine verdict (see relance_check_table).

{{ relance_check_table('merchants') }}
