import { defaultOf } from '../config/options.js';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode, ValidationRule } from 'graphql';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { createOperationMemo } from '../graphql/createOperationMemo.js';
import {
  analyzeOperation,
  MAX_ANALYSIS_STEPS,
  type OperationAnalysis,
} from './analyzeOperation.js';
import { MAX_MERGE_WORK, screenDocument } from './screenDocument.js';

/** The query limits, each with its default (README: "Limits"). */
export interface QueryLimits {
  /** Deepest selection, fragments flattened. */
  readonly maxDepth: number;
  /** Aliases in one operation. */
  readonly maxAliases: number;
  /** Lexical tokens in one document. */
  readonly maxTokens: number;
  /** Directives in one operation. */
  readonly maxDirectives: number;
  /** Static cost of one operation in upstream requests (see createCostModel). */
  readonly maxCost: number;
  /** Values the answer is known to hold before it runs (see analyzeOperation's nodes). */
  readonly maxNodes: number;
  /** Introspection (`__schema`, `__type`) allowed; when off, "Did you mean" suggestions are hidden too. */
  readonly introspection: boolean;
}

/** The defaults of the flags (src/config/options.ts), for callers that pass no limits. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  maxDepth: defaultOf('max-depth'),
  maxAliases: defaultOf('max-aliases'),
  maxTokens: defaultOf('max-tokens'),
  maxDirectives: defaultOf('max-directives'),
  maxCost: defaultOf('max-cost'),
  maxNodes: defaultOf('max-nodes'),
  introspection: true,
});

/**
 * Query limits as Apollo plugins and validation rules: depth, aliases and directives from
 * GraphQL Armor (fragments flattened, so spreading a fragment does not hide depth; each of
 * these rules memoises per fragment, so it is linear in the document); the static cost with
 * the request's variables once the operation is resolved (analyzeOperation: linear, and refused
 * past a fixed number of steps). Tokens and the merge screen come earlier, from
 * checkQuery. All of them reject before any resolver runs, so a rejected query makes no
 * upstream call.
 */
export function createQueryLimits(
  limits: QueryLimits,
  clusterCount: number,
): { plugins: ApolloServerPlugin<GatewayContext>[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      ignoreIntrospection: true,
      exposeLimits: true,
    },
    maxAliases: { n: limits.maxAliases, exposeLimits: true },
    // Counted by checkQuery, before Apollo: a throw from Apollo's parsing hook is a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true },
    // The static cost of Armor cannot see list sizes or fan-out; ours below does.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.introspection },
  });
  const protection = armor.protect();
  const costPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          const refused = checkOperationCost(
            schema,
            document,
            operation,
            request.variables ?? {},
            limits,
            clusterCount,
          );
          if (refused) throw refused;
        },
      };
    },
  };
  return {
    // Armor types its plugins for BaseContext; a plugin for any context serves ours (Apollo's
    // plugin type is invariant in its context, hence the double cast).
    plugins: [
      ...(protection.plugins as unknown as ApolloServerPlugin<GatewayContext>[]),
      costPlugin,
    ],
    validationRules: protection.validationRules,
  };
}

/** The analysis of an operation (and its document) with its variables, by cluster count. */
const rememberedAnalysis = createOperationMemo<OperationAnalysis>();

/** The first sentence of a cost refusal, as a query gets it. */
const QUERY_COST = (cost: number, limit: number): string =>
  `Query cost ${cost} exceeds the limit of ${limit}.`;

/**
 * The static checks of a resolved operation with its variables: too complex to analyse, invalid
 * arguments or variables, more values than --max-nodes, a cost above --max-cost (its refusal
 * opens with `costSentence`). The error to refuse it with (HTTP 400), or undefined. Queries run
 * it as an Apollo plugin; subscriptions (src/subscriptions) call it before they start.
 */
export function checkOperationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: QueryLimits,
  clusterCount: number,
  costSentence: (cost: number, limit: number) => string = QUERY_COST,
): GatewayError | undefined {
  const analysis = rememberedAnalysis(schema, operation, variables, String(clusterCount), () =>
    analyzeOperation(schema, document, operation, variables, { clusterCount }),
  );
  if (analysis.kind === 'tooComplex') return tooComplex();
  if (analysis.kind === 'invalidArgument' || analysis.kind === 'invalidVariables') {
    return new GatewayError('BAD_USER_INPUT', analysis.message, { httpStatus: 400 });
  }
  if (analysis.nodes > limits.maxNodes) {
    return new GatewayError(
      'BAD_USER_INPUT',
      `The answer would hold at least ${analysis.nodes} values, more than the limit of ${limits.maxNodes} (--max-nodes): every field of every object counts 1, times the size of each list the arguments give (refs, first) and of each alias. Select fewer fields or fewer items per request.`,
      { httpStatus: 400, reason: 'MAX_NODES' },
    );
  }
  if (analysis.cost > limits.maxCost) {
    return new GatewayError(
      'BAD_USER_INPUT',
      `${costSentence(analysis.cost, limits.maxCost)} The cost counts upstream requests: 1 per image, stream, tag or cluster status, times the size of each list the arguments give (refs, first, clusters x namespaces); lists only the data sizes count 1 and are bounded at run time by the upstream request budget.`,
      { httpStatus: 400, reason: 'MAX_COST' },
    );
  }
  return undefined;
}

function tooComplex(): GatewayError {
  return new GatewayError(
    'BAD_USER_INPUT',
    `The operation is too complex to analyse: it needs more than ${MAX_ANALYSIS_STEPS} steps or merges fields in more than ${MAX_MERGE_WORK} ways. Select each field once and merge fewer fragments into the same fields.`,
    { httpStatus: 400 },
  );
}

/** Why checkQuery refused a query: the token limit, or the merge screen. */
export interface QueryRefusal {
  readonly error: GatewayError;
  /** For `extensions.reason`: `MAX_TOKENS` or `TOO_COMPLEX`. */
  readonly reason: 'MAX_TOKENS' | 'TOO_COMPLEX';
}

/**
 * The checks made on the raw query before Apollo parses it: the token limit (with GraphQL
 * Armor's counting lexer), then, on the document that lexer parsed, the merge screen
 * (screenDocument), which must run before validation because graphql-js's
 * OverlappingFieldsCanBeMergedRule would otherwise spend quadratic work on fields merged pair
 * by pair, and a validation rule cannot stop the others without Apollo answering 500. Returns
 * the refusal to answer with (HTTP 400), or undefined. A syntax error is left to Apollo, which
 * reports it as usual; a document too deeply nested for the parser's stack is refused as
 * TOO_COMPLEX.
 */
export function checkQuery(query: string, maxTokens: number): QueryRefusal | undefined {
  let document: DocumentNode;
  try {
    document = new MaxTokensParserWLexer(query, {
      n: maxTokens,
      exposeLimits: true,
    }).parseDocument();
  } catch (err) {
    if (err instanceof RangeError) {
      // The parser recurses once per nesting level: a document nested deeper than the stack
      // allows (e.g. `[[[…]]]` 3,000 levels deep under a raised --max-tokens) is refused here
      // and never remembered as checked, rather than handed to Apollo's parser to overflow again.
      return {
        error: new GatewayError(
          'BAD_USER_INPUT',
          'The operation is nested too deeply to parse: nest fewer lists, objects or selections inside each other.',
          { httpStatus: 400 },
        ),
        reason: 'TOO_COMPLEX',
      };
    }
    const message = err instanceof Error ? err.message : '';
    if (message.includes('Token limit'))
      return { error: new GatewayError('BAD_USER_INPUT', message), reason: 'MAX_TOKENS' };
    return undefined;
  }
  return screenDocument(document).kind === 'tooComplex'
    ? { error: tooComplex(), reason: 'TOO_COMPLEX' }
    : undefined;
}
