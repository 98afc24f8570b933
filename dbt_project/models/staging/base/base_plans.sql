-- Every row of raw plans, typed, with its quarantine verdict (see relance_check_table).
-- Foreign keys are checked against the parents' valid rows:
-- depends_on: {{ ref('stg_customers') }}
-- depends_on: {{ ref('stg_merchants') }}

{{ relance_check_table('plans') }}
