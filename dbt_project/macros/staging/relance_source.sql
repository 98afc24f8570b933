{#
  The relation to read a contract (or speech) table from.

  `relance build` inspects the dataset before dbt runs and passes, per table, how it is stored
  (var raw_formats: 'parquet', 'csv' or 'absent'). Parquet and CSV are two sources with the same
  tables (models/staging/_sources.yml), so file reading stays in the source definitions; an
  absent optional table becomes an empty relation with the contract's columns, so every model
  downstream works unchanged.
#}
{% macro relance_source(source_name, table) -%}
  {%- set fmt = var('raw_formats', {}).get(table, 'parquet') -%}
  {%- if fmt == 'absent' -%}
    {%- if execute and not relance_source_meta(source_name, table).get('optional', false) -%}
      {{ exceptions.raise_compiler_error("required table '" ~ table ~ "' is marked absent") }}
    {%- endif -%}
    {{ relance_empty_relation(source_name, table) }}
  {%- elif fmt == 'csv' and source_name == 'raw' -%}
    {{ source('raw_csv', table) }}
  {%- elif fmt in ('parquet', 'csv') -%}
    {{ source(source_name, table) }}
  {%- else -%}
    {{ exceptions.raise_compiler_error("unknown format '" ~ fmt ~ "' for table " ~ table) }}
  {%- endif -%}
{%- endmacro %}


{# The source node of a table, as parsed from _sources.yml (execution time only). #}
{% macro relance_source_node(source_name, table) -%}
  {%- set node = graph.sources.get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table) -%}
  {%- if node is none -%}
    {{ exceptions.raise_compiler_error("no source " ~ source_name ~ "." ~ table) }}
  {%- endif -%}
  {{ return(node) }}
{%- endmacro %}


{% macro relance_source_meta(source_name, table) -%}
  {%- if not execute -%}{{ return({}) }}{%- endif -%}
  {%- set node = relance_source_node(source_name, table) -%}
  {{ return(node.config.get('meta', {}) or node.meta or {}) }}
{%- endmacro %}


{# [(column name, column meta)] in contract order. #}
{% macro relance_source_columns(source_name, table) -%}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set node = relance_source_node(source_name, table) -%}
  {%- set columns = [] -%}
  {%- for name, column in node.columns.items() -%}
    {%- set meta = column.config.get('meta', {}) if column.config else {} -%}
    {%- do columns.append((name, meta or column.meta or {})) -%}
  {%- endfor -%}
  {{ return(columns) }}
{%- endmacro %}


{# An empty relation with every contract column, as text (like a CSV read). #}
{% macro relance_empty_relation(source_name, table) -%}
  {%- set columns = relance_source_columns(source_name, table) -%}
  (select
  {%- for name, meta in columns %}
    cast(null as {{ dbt.type_string() }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
  {%- endfor %}
  {%- if not columns %} cast(null as {{ dbt.type_string() }}) as placeholder{% endif %}
  where 1 = 0)
{%- endmacro %}


{#
  A source table typed column by column, without judging rows: for the speech step's outputs,
  which Relance writes itself (a value that does not parse becomes null).
#}
{% macro relance_typed_source(source_name, table) -%}
  {%- set source_sql = relance_source(source_name, table) -%}
  {%- set present = relance_present_columns(source_sql) -%}
  {%- set columns = relance_source_columns(source_name, table) -%}
select
  {%- for name, meta in columns %}
    {%- set logical_type = meta.get('type', 'text') %}
    {%- if name | lower in present %}
      {%- set stored = present[name | lower] %}
    {{ relance_typed_expressions(adapter.quote(stored[0]), logical_type, relance_is_text_type(stored[1]), stored[1])[1] }} as {{ adapter.quote(name) }}
    {%- else %}
    cast(null as {{ relance_warehouse_type(logical_type) }}) as {{ adapter.quote(name) }}
    {%- endif %}{{ "," if not loop.last }}
  {%- endfor %}
from {{ source_sql }}
{%- endmacro %}
