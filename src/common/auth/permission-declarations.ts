import { PATH_METADATA } from '@nestjs/common/constants';
import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { RESOLVER_NAME_METADATA, RESOLVER_PROPERTY_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { RESOURCE_ACCESS } from './access';
import { PERMISSIONS } from './permissions';
import { PERMISSION_METADATA, type PermissionDeclaration, PUBLIC_METADATA } from './require-permission.decorator';

/** One entry point of the API: a GraphQL resolver method or an HTTP handler, and what it declares. */
export interface Endpoint {
  /** `ProjectsResolver.addMember`. */
  name: string;
  kind: 'Query' | 'Mutation' | 'Subscription' | 'ResolveField' | 'HTTP';
  isPublic: boolean;
  declaration?: PermissionDeclaration;
}

function methodsOf(
  wrapper: InstanceWrapper,
  scanner: MetadataScanner,
): Array<{ className: string; name: string; method: object }> {
  const instance = wrapper.instance as object | undefined;
  if (!instance || typeof instance !== 'object') return [];
  const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
  return scanner
    .getAllMethodNames(prototype)
    .map((name) => ({ className: instance.constructor.name, name, method: prototype[name] as object }));
}

/**
 * Every GraphQL resolver method and HTTP handler of a compiled Nest application, found through
 * Nest's discovery and the resolver/route metadata, with its permission declaration.
 */
export function collectEndpoints(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const describe = (className: string, name: string, method: object, kind: Endpoint['kind']): Endpoint => ({
    name: `${className}.${name}`,
    kind,
    isPublic: reflector.get<boolean | undefined>(PUBLIC_METADATA, method as () => void) === true,
    declaration: reflector.get<PermissionDeclaration | undefined>(PERMISSION_METADATA, method as () => void),
  });
  for (const wrapper of discovery.getProviders()) {
    for (const { className, name, method } of methodsOf(wrapper, scanner)) {
      // The name's value may be undefined (`@Query()` without a name); its presence marks a resolver.
      if (!Reflect.hasOwnMetadata(RESOLVER_NAME_METADATA, method)) continue;
      const kind: Endpoint['kind'] = Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method)
        ? 'ResolveField'
        : (Reflect.getMetadata(RESOLVER_TYPE_METADATA, method) as Endpoint['kind']);
      endpoints.push(describe(className, name, method, kind));
    }
  }
  for (const wrapper of discovery.getControllers()) {
    for (const { className, name, method } of methodsOf(wrapper, scanner)) {
      if (Reflect.getMetadata(PATH_METADATA, method) === undefined) continue;
      endpoints.push(describe(className, name, method, 'HTTP'));
    }
  }
  return endpoints.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What is wrong with the declarations: an endpoint with neither `@RequirePermission` nor
 * `@Public()`, or both, or a locator that does not fit its permission. Empty when all is well.
 */
export function declarationProblems(endpoints: readonly Endpoint[]): string[] {
  const problems: string[] = [];
  for (const endpoint of endpoints) {
    const { declaration, isPublic, name } = endpoint;
    if (!declaration && !isPublic) problems.push(`${name}: declares neither @RequirePermission(...) nor @Public()`);
    if (declaration && isPublic) problems.push(`${name}: declares both @RequirePermission(...) and @Public()`);
    if (!declaration) continue;
    const rule = PERMISSIONS[declaration.permission];
    if (!rule) {
      problems.push(`${name}: unknown permission ${String(declaration.permission)}`);
      continue;
    }
    const locator = declaration.project;
    if (rule.scope === 'project' && !locator)
      problems.push(`${name}: ${declaration.permission} needs a project locator`);
    if (rule.scope !== 'project' && locator)
      problems.push(`${name}: ${declaration.permission} takes no project locator`);
    if (locator?.from === 'resource' && !(locator.resource in RESOURCE_ACCESS)) {
      problems.push(`${name}: resource ${locator.resource} is not in RESOURCE_ACCESS`);
    }
    if (locator?.from === 'parent' && endpoint.kind !== 'ResolveField') {
      problems.push(`${name}: projectOfParent(...) only works on @ResolveField methods`);
    }
  }
  return problems;
}
