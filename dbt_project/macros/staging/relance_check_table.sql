{#
  One raw contract table, typed and judged row by row: the body of base_<table>.

  Every raw row comes out exactly once, with its values in warehouse types and a verdict:
  quarantine_reason is null for a valid row, else the first problem found, in this order:
    missing_value          a required value is empty
    bad_enum               a value outside the contract's list
    unparseable_timestamp / unparseable_date / unparseable_number
    negative_amount        money below zero
    future_timestamp       an event after the build time (plus var future_tolerance_hours)
    duplicate_row          an exact copy of a row kept once (the copies are quarantined)
    duplicate_key          rows sharing a primary key with different values (all quarantined)
    orphan_foreign_key     a reference to a row missing from, or quarantined in, its parent
    extra checks the model passes (e.g. sequence_out_of_range for installments)
  quarantine_column names the offending column. For quarantined rows the values are kept as
  text (as they arrived, trimmed) in one JSON object, raw_values, so analysts can see what was
  sent; the quarantine_<table> views unpack it. One column that is null on every valid row costs
  little to store; a text column per raw column cost a quarter of writing base_contacts.

  extra_checks: [{'reason': ..., 'column': ..., 'when': SQL over `checked` and the parent
  aliases `parent_<fk column>`}] evaluated after the foreign-key checks.
#}
{% macro relance_check_table(table, extra_checks=[]) -%}
  {%- set source_sql = relance_source('raw', table) -%}
  {%- set meta = relance_source_meta('raw', table) -%}
  {%- set columns = relance_source_columns('raw', table) -%}
  {%- set present = relance_present_columns(source_sql) -%}
  {%- set primary_key = meta.get('primary_key', []) -%}
  {%- set as_of = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
  {%- set future_limit = dbt.dateadd('hour', var('future_tolerance_hours'), as_of) -%}
  {%- set text = dbt.type_string() -%}

  {#- Per column: cleaned and typed expressions, and the row-level checks in priority order. -#}
  {%- set typed_columns = [] -%}
  {%- set checks = {'missing_value': [], 'bad_enum': [], 'unparseable': [], 'negative_amount': [], 'future_timestamp': []} -%}
  {%- for name, cmeta in columns -%}
    {%- set logical_type = cmeta.get('type', 'text') -%}
    {%- if name | lower in present -%}
      {%- set stored = present[name | lower] -%}
      {%- set column_sql = adapter.quote(stored[0]) -%}
      {%- set pair = relance_typed_expressions(column_sql, logical_type, relance_is_text_type(stored[1]), stored[1]) -%}
    {%- else -%}
      {%- set pair = ('cast(null as ' ~ text ~ ')', 'cast(null as ' ~ relance_warehouse_type(logical_type) ~ ')') -%}
    {%- endif -%}
    {%- do typed_columns.append({'name': name, 'cleaned': pair[0], 'typed': pair[1]}) -%}
    {%- set q = adapter.quote(name) -%}
    {%- if cmeta.get('required', true) and not cmeta.get('nullable', false) -%}
      {%- do checks['missing_value'].append((name, 'cleaned__' ~ name ~ ' is null')) -%}
    {%- endif -%}
    {%- if cmeta.get('enum') -%}
      {%- do checks['bad_enum'].append((name, q ~ " not in ('" ~ cmeta['enum'] | join("', '") ~ "')")) -%}
    {%- endif -%}
    {%- if logical_type in ('timestamp', 'date', 'money', 'number', 'integer') -%}
      {%- set kind = logical_type if logical_type in ('timestamp', 'date') else 'number' -%}
      {%- do checks['unparseable'].append((name, 'cleaned__' ~ name ~ ' is not null and ' ~ q ~ ' is null', 'unparseable_' ~ kind)) -%}
    {%- endif -%}
    {%- if logical_type == 'money' -%}
      {%- do checks['negative_amount'].append((name, q ~ ' < 0')) -%}
    {%- endif -%}
    {%- if logical_type == 'timestamp' -%}
      {%- do checks['future_timestamp'].append((name, q ~ ' > ' ~ future_limit)) -%}
    {%- endif -%}
  {%- endfor -%}

  {%- set foreign_keys = [] -%}
  {%- for name, cmeta in columns if cmeta.get('references') -%}
    {%- set parent = cmeta['references'].split('.') -%}
    {%- set alias = 'parent_' ~ name -%}
    {%- set read_by_checks = namespace(any=false) -%}
    {%- for check in extra_checks if (alias ~ '.') in check.when -%}
      {%- set read_by_checks.any = true -%}
    {%- endfor -%}
    {%- do foreign_keys.append({'column': name, 'parent_table': parent[0], 'parent_column': parent[1], 'alias': alias, 'joined': read_by_checks.any}) -%}
  {%- endfor -%}
  {%- set pk = [] -%}
  {%- for k in primary_key -%}{%- do pk.append(adapter.quote(k)) -%}{%- endfor -%}

with

source as (

    select * from {{ source_sql }}

),

typed as (

    select
        {%- for c in typed_columns %}
        {{ c.typed }} as {{ adapter.quote(c.name) }},
        {{ c.cleaned }} as cleaned__{{ c.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from source

),

judged as (

    select
        *,
        case
        {%- for group in ['missing_value', 'bad_enum', 'unparseable', 'negative_amount', 'future_timestamp'] %}
          {%- for check in checks[group] %}
            when {{ check[1] }} then '{{ check[2] if check | length > 2 else group }}'
          {%- endfor %}
        {%- endfor %}
        end as row_problem,
        case
        {%- for group in ['missing_value', 'bad_enum', 'unparseable', 'negative_amount', 'future_timestamp'] %}
          {%- for check in checks[group] %}
            when {{ check[1] }} then '{{ check[0] }}'
          {%- endfor %}
        {%- endfor %}
        end as row_problem_column
    from typed

),

{#- Duplicates among rows with no problem of their own: only keys seen twice are examined. Keys
    seen twice among all rows are found first, on the bare key, so the row checks are evaluated
    again only for the rows sharing such a key (none, in a clean file). -#}
candidate_keys as (

    select {{ pk | join(', ') }}
    from typed
    group by {{ pk | join(', ') }}
    having count(*) > 1

),

repeated_keys as (

    select {{ pk | join(', ') }}
    from judged
    where row_problem is null
      and exists (
            select 1 from candidate_keys
            where {% for k in pk %}candidate_keys.{{ k }} = judged.{{ k }}{{ " and " if not loop.last }}{% endfor %}
      )
    group by {{ pk | join(', ') }}
    having count(*) > 1

),

repeated_rows as (

    select
        judged.*,
        row_number() over (
            partition by {% for c in typed_columns %}judged.{{ adapter.quote(c.name) }}{{ ", " if not loop.last }}{% endfor %}
            order by judged.{{ pk | first }}
        ) as copy_number,
        count(*) over (partition by {% for k in pk %}judged.{{ k }}{{ ", " if not loop.last }}{% endfor %})
          = count(*) over (
            partition by {% for c in typed_columns %}judged.{{ adapter.quote(c.name) }}{{ ", " if not loop.last }}{% endfor %}
          ) as all_copies_identical
    from judged
    inner join repeated_keys
        on {% for k in pk %}judged.{{ k }} = repeated_keys.{{ k }}{{ " and " if not loop.last }}{% endfor %}
    where judged.row_problem is null

),

deduplicated as (

    select
        judged.*,
        cast(null as {{ text }}) as duplicate_problem
    from judged
    where judged.row_problem is not null
       or not exists (
            select 1 from repeated_keys
            where {% for k in pk %}repeated_keys.{{ k }} = judged.{{ k }}{{ " and " if not loop.last }}{% endfor %}
       )

    union all

    select
        {% for c in typed_columns %}{{ adapter.quote(c.name) }}, cleaned__{{ c.name }}, {% endfor %}
        row_problem,
        row_problem_column,
        case
            when not all_copies_identical then 'duplicate_key'
            when copy_number > 1 then 'duplicate_row'
        end as duplicate_problem
    from repeated_rows

),

{#- Whether each foreign key finds its parent, as `in (parent keys)`: the engine hashes only the
    parent's keys, where a left join may hash the child's whole wide rows (8.6M payment attempts
    against 9.7M installments at 1M customers). Parents that an extra check reads are joined. -#}
with_parents as (

    select
        deduplicated.*
      {%- for fk in foreign_keys %},
        deduplicated.{{ adapter.quote(fk.column) }} in (
            select {{ adapter.quote(fk.parent_column) }} from {{ ref('stg_' ~ fk.parent_table) }}
            where {{ adapter.quote(fk.parent_column) }} is not null
        ) as has_{{ fk.alias }}
      {%- endfor %}
    from deduplicated

),

checked as (

    select
        deduplicated.*,
        case
            when row_problem is not null then row_problem
            when duplicate_problem is not null then duplicate_problem
          {%- for fk in foreign_keys %}
            when deduplicated.{{ adapter.quote(fk.column) }} is not null and not has_{{ fk.alias }}
                then 'orphan_foreign_key'
          {%- endfor %}
          {%- for check in extra_checks %}
            when {{ check.when }} then '{{ check.reason }}'
          {%- endfor %}
        end as quarantine_reason,
        case
            when row_problem is not null then row_problem_column
            when duplicate_problem is not null then '{{ primary_key | join(",") }}'
          {%- for fk in foreign_keys %}
            when deduplicated.{{ adapter.quote(fk.column) }} is not null and not has_{{ fk.alias }}
                then '{{ fk.column }}'
          {%- endfor %}
          {%- for check in extra_checks %}
            when {{ check.when }} then '{{ check.column }}'
          {%- endfor %}
        end as quarantine_column
    -- still called deduplicated: the extra checks name their rows that way
    from with_parents as deduplicated
    {%- for fk in foreign_keys if fk.joined %}
    left join {{ ref('stg_' ~ fk.parent_table) }} as {{ fk.alias }}
        on deduplicated.{{ adapter.quote(fk.column) }} = {{ fk.alias }}.{{ adapter.quote(fk.parent_column) }}
    {%- endfor %}

)

select
    {%- for c in typed_columns %}
    {{ adapter.quote(c.name) }},
    {%- endfor %}
    quarantine_reason,
    quarantine_column,
    {%- set raw_columns = [] -%}
    {%- for c in typed_columns -%}
      {%- do raw_columns.append((c.name, dbt.cast('cleaned__' ~ c.name, text))) -%}
    {%- endfor %}
    case when quarantine_reason is not null then {{ relance_raw_values(raw_columns) }} end as raw_values
from checked

{%- endmacro %}


{#- The body of quarantine_<table>: the rows relance_check_table kept out, with why, and their
    values as they arrived (unpacked from raw_values, one text column per contract column). -#}
{% macro relance_quarantine_rows(base, table) -%}
with

checked as (

    select * from {{ base }}

)

select
    quarantine_reason,
    quarantine_column
    {%- for name, meta in relance_source_columns('raw', table) %},
    {{ relance_raw_value('raw_values', name) }} as {{ adapter.quote(name) }}
    {%- endfor %}
from checked
where quarantine_reason is not null
{%- endmacro %}
