// The source stand-in for tests: a real HTTP server on 127.0.0.1 (bin/local/source-stand-in.ts,
// which `npm run stand-ins` also starts for demos). Tests import it from here.
export {
  type RecordedRequest,
  type StandIn,
  type StandInAnswer,
  type StandInMode,
  type StandInOptions,
  type StandInRequest,
  type StandInRoute,
  type StandInRoutes,
  startStandIn,
} from "#local/source-stand-in.ts";
