/**
 * Environment variables of the backends that turn an allowed identity into credentials for the
 * app behind the ingress: Elasticsearch/Kibana users (as elastauth) and EventStoreDB's trusted
 * header.
 */
import { bool, str } from 'envalid';
import { commaList, duration } from './validators.ts';

/** The envalid specification of the backend variables. */
export const BACKEND_SCHEMA = {
  GATEHOUSE_BACKEND: str({
    desc: 'The backend for every check unless the auth-url query names one (backend=…): none, elasticsearch (a temporary Elasticsearch user sent as Authorization: Basic), elasticsearch-oidc (the Elasticsearch access token of a sign-in through GATEHOUSE_ELASTICSEARCH_OIDC_REALM, sent as Authorization: Bearer) or eventstore (the EventStoreDB trusted header)',
    choices: ['none', 'elasticsearch', 'elasticsearch-oidc', 'eventstore'],
    default: 'none',
  }),
  GATEHOUSE_ELASTICSEARCH_HOSTS: commaList({
    desc: 'Elasticsearch URLs, tried in this order',
    default: [],
    example: 'https://es-0.example.com:9200,https://es-1.example.com:9200',
  }),
  GATEHOUSE_ELASTICSEARCH_USERNAME: str({
    desc: 'Elasticsearch user gatehouse calls as: manage_security for backend=elasticsearch, manage_oidc and manage_token for sign-in through GATEHOUSE_ELASTICSEARCH_OIDC_REALM',
    default: '',
  }),
  GATEHOUSE_ELASTICSEARCH_PASSWORD: str({
    desc: 'Password of GATEHOUSE_ELASTICSEARCH_USERNAME (or GATEHOUSE_ELASTICSEARCH_PASSWORD_FILE)',
    default: '',
  }),
  GATEHOUSE_ELASTICSEARCH_CA_FILE: str({ desc: 'PEM bundle of the CAs that sign the Elasticsearch certificates', default: '' }),
  GATEHOUSE_ELASTICSEARCH_TIMEOUT: duration({
    desc: 'Upper bound for one Elasticsearch request',
    default: 5000,
    example: '5s',
  }),
  GATEHOUSE_ELASTICSEARCH_DRY_RUN: bool({
    desc: 'Answer with generated credentials without creating users in Elasticsearch (as elastauth dry_run); for trying a configuration',
    default: false,
  }),
  GATEHOUSE_CREDENTIAL_TTL: duration({
    desc: 'How long a provisioned Elasticsearch password is cached (encrypted) before a new one is made',
    default: 3_600_000,
    example: '1h',
  }),
  GATEHOUSE_EVENTSTORE_HEADER: str({
    desc: 'eventstore backend: the trusted header, ES-TrustedAuth or Kurrent-TrustedAuth',
    choices: ['ES-TrustedAuth', 'Kurrent-TrustedAuth'],
    default: 'ES-TrustedAuth',
  }),
};
