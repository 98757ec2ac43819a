using Dashboard.Api.Contracts;
using Dashboard.Data.Allocations;
using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;
using Dashboard.Web.Commands;

namespace Dashboard.Web.Jobs;

/// <summary><c>POST /api/v1/jobs/{id}/edit</c> (and its what-if) and <c>/requeue</c>, through <see cref="ClusterCommands"/> as the caller.</summary>
public static class JobEditEndpoints
{
    public static RouteGroupBuilder MapJobEditEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");

        jobs.MapPost("/{id}/edit", EditAsync)
            .WithName("EditJob")
            .WithSummary("Edit a waiting job")
            .WithDescription("The submit's fields (name, command, gpus, gpuModel, cpu, cpuLimit, memory, memoryLimit, walltime, priority); "
                + "only those given change, the team never does. Checked exactly as a submit (422 for a bad field or a request that "
                + "can never fit, the team's quota and priority limit included); 409 when the job is running or has ended. "
                + "Its owner, a lead of its team or an admin may edit it. With ?whatIf=true nothing is saved: the answer says "
                + "what the edited job would do now (starts, queued, never).")
            .Accepts<JobSubmitRequest>("application/json")
            .Produces<JobView>()
            .Produces<JobEditPreview>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        jobs.MapPost("/{id}/requeue", RequeueAsync)
            .WithName("RequeueJob")
            .WithSummary("Requeue a running or ended job")
            .WithDescription("A running job is stopped as a cancel stops it (stopping is true until it has ended) and goes back to the "
                + "queue; an ended one goes back at once. It keeps its id and history (its events show the requeue; attempt counts "
                + "the runs). 409 when it is already waiting, a session, or part of a sweep still running. Its owner, a lead of its "
                + "team or an admin may requeue it.")
            .Produces<JobRequeueResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    private static async Task<IResult> EditAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, AllocationStore allocations, ClusterEngine engine, TimeProvider time)
    {
        var (record, problem) = JobEndpoints.FindVisible(context, id, store);
        if (record is null)
        {
            return problem!;
        }

        var job = record.Job.Id;
        var user = ApiCaller.Of(context);
        var (body, unreadable) = await JsonObjectBody.ReadAsync(context.Request, JobSubmitReading.Fields, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return unreadable!;
        }

        var reading = JobEditing.Read(body, record.Job.Spec);
        if (reading.Spec is not { } spec)
        {
            var errors = reading.FieldErrors.ToDictionary(StringComparer.Ordinal);
            foreach (var message in reading.FormErrors)
            {
                errors.TryAdd("request", message);
            }

            return ApiProblems.Invalid(errors);
        }

        if (bool.TryParse(context.Request.Query[JobEditRoutes.WhatIfParameter].ToString(), out var whatIf) && whatIf)
        {
            if (EditJob.MayActOn(user, store, job, "edit") is { } refusal)
            {
                return CommandProblems.Of(refusal);
            }

            if (record.State != JobState.Pending)
            {
                return ApiProblems.Conflict($"Job {job} is {record.State}; only a waiting job can be edited.");
            }

            if (engine.Feed.Current is not { } update)
            {
                return ApiProblems.Unavailable("The engine has not published the cluster's state yet; try again in a moment.");
            }

            var now = time.GetUtcNow();
            var view = WhatIfView.Of(JobEditing.WhatIf(update.Snapshot, job, spec, now), now);
            return TypedResults.Ok(new JobEditPreview(view.Outcome, view.Headline, view.NeverFitsReason ?? view.Detail));
        }

        var answer = await commands.SendAsync(user, new EditJob(job, spec)).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            return CommandProblems.Of(answer, $"Job {job} was not edited");
        }

        return TypedResults.Ok(JobViews.Of(store.Find(job) ?? record, engine.Feed.Current, allocations.ForJob(job)));
    }

    private static async Task<IResult> RequeueAsync(HttpContext context, string id, ClusterCommands commands, JobStore store, JobControlStore controls, AllocationStore allocations, ClusterEngine engine)
    {
        var (record, problem) = JobEndpoints.FindVisible(context, id, store);
        if (record is null)
        {
            return problem!;
        }

        var job = record.Job.Id;
        // Counted before the command: a running job can stop and be back in the queue before the answer is read,
        // and its return to the queue must not be counted twice.
        var attempt = controls.Attempts(job) + 1;
        var answer = await commands.SendAsync(ApiCaller.Of(context), new RequeueJob(job)).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            return CommandProblems.Of(answer, $"Job {job} was not requeued");
        }

        var stopping = answer.Outcome == CommandOutcome.Stopping;
        var message = stopping
            ? $"Job {job} is stopping; it goes back to the queue (attempt {attempt}) once it has ended."
            : $"Job {job} is back in the queue (attempt {attempt}).";
        return TypedResults.Ok(new JobRequeueResult(JobViews.Of(store.Find(job) ?? record, engine.Feed.Current, allocations.ForJob(job)), stopping, attempt, message));
    }
}
