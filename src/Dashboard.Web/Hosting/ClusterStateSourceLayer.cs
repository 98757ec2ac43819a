using Dashboard.Engine.Loop;

namespace Dashboard.Web.Hosting;

/// <summary>
/// A wrapper around the engine's state source (the demo history written before the first load, say). The source is
/// composed in one place, <see cref="EngineRegistration.AddComputeEngine"/>: the stored source wrapped in every
/// registered layer, in the order they were registered, so a layer may be registered before or after the engine.
/// </summary>
/// <param name="Around">Given the services and the source so far, the source wrapped in this layer.</param>
public sealed record ClusterStateSourceLayer(Func<IServiceProvider, IClusterStateSource, IClusterStateSource> Around);
